import pytest

from localstack_ssm_docker.engine.docker import interactive


@pytest.mark.parametrize("host", ["", "localhost", "LOCALHOST.", "127.0.0.1", "127.8.9.10", "::1"])
def test_loopback_means_the_instance_itself(host):
    assert interactive.seen_from_host(host) == ""


@pytest.mark.parametrize("host", ["172.17.0.5", "db.internal", "10.0.0.1"])
def test_other_hosts_are_kept(host):
    assert interactive.seen_from_host(host) == host.lower()


def test_link_local_is_refused_without_connecting():
    with pytest.raises(ConnectionRefusedError):
        interactive.connect("169.254.169.254", 80, 1)
