from dataclasses import replace

from localstack_ssm_docker.engine.docker.containers import name_servers, parse_os_release
from localstack_ssm_docker.engine.values import ContainerOptions, ContainerSpec


def test_os_release_values_lose_their_quotes():
    content = "# comment\nNAME=\"Amazon Linux\"\nVERSION_ID='2023'\nID=amzn\n\nBROKEN\n"
    assert parse_os_release(content) == {"NAME": "Amazon Linux", "VERSION_ID": "2023", "ID": "amzn"}


def test_os_release_keeps_equals_signs_inside_values():
    assert parse_os_release('HOME_URL="https://x.example/?a=b"\n') == {
        "HOME_URL": "https://x.example/?a=b"
    }


def test_empty_os_release_is_empty():
    assert parse_os_release("") == {}


def test_an_instance_with_a_resolver_asks_it_over_tcp_unless_the_user_named_servers():
    spec = ContainerSpec("n", "img", "h", {}, resolver="169.254.169.253")
    assert name_servers(spec) == {"dns": ["169.254.169.253"], "dns_opt": ["use-vc"]}
    own = ContainerSpec("n", "img", "h", {}, options=ContainerOptions(dns=["10.0.0.2"]))
    assert name_servers(own) == {"dns": ["10.0.0.2"], "dns_opt": None}
    assert name_servers(replace(own, resolver="169.254.169.253")) == name_servers(own)
    assert name_servers(ContainerSpec("n", "img", "h", {})) == {"dns": None, "dns_opt": None}
