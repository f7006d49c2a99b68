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


def test_ports_on_a_remote_engine_are_refused_without_asking_it():
    # no engine client is used: the refusal comes before any call
    sessions = interactive.DockerSessions(None, None, remote_engine="tcp://10.0.0.2:2375")
    with pytest.raises(
        ConnectionRefusedError, match=r"remote Docker engine at tcp://10\.0\.0\.2:2375"
    ):
        sessions.connect_port("c0ffee", "", 8080, 1)


def test_no_address_is_refused_rather_than_meaning_localstacks_host():
    with pytest.raises(ConnectionRefusedError):
        interactive.connect("", 4566, 1)
