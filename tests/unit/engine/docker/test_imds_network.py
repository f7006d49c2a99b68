import ipaddress

from localstack_ssm_docker.engine.docker.imds_network import LAYOUT, _gateway
from localstack_ssm_docker.engine.values import METADATA_ADDRESS

RESOLVER_ADDRESS = "169.254.169.253"


def inspected(*configs: dict) -> dict:
    return {"IPAM": {"Driver": "default", "Config": list(configs)}}


def test_the_metadata_network_lets_docker_pick_no_service_address():
    (pool,) = LAYOUT.ipam()["Config"]
    subnet = ipaddress.ip_network(pool["Subnet"])
    dynamic = ipaddress.ip_network(pool["IPRange"])
    assert dynamic.subnet_of(subnet)  # type: ignore[arg-type]
    for service in (METADATA_ADDRESS, RESOLVER_ADDRESS):
        assert ipaddress.ip_address(service) in subnet  # fixed addresses Docker can give
        assert ipaddress.ip_address(service) not in dynamic
    assert LAYOUT.kept_by(inspected(pool))


def test_a_metadata_network_without_an_ip_range_does_not_keep_the_service_range():
    assert not LAYOUT.kept_by(inspected({"Subnet": "169.254.169.0/24"}))


def test_an_ip_range_reaching_into_the_service_range_does_not_keep_it():
    config = {"Subnet": "169.254.168.0/23", "IPRange": "169.254.169.128/25"}
    assert not LAYOUT.kept_by(inspected(config))


def test_an_unreadable_pool_does_not_keep_the_service_range():
    assert not LAYOUT.kept_by(inspected({"Subnet": "not a subnet"}))


def test_a_bridge_gateway_is_the_configured_one_without_its_prefix():
    assert _gateway(inspected({"Subnet": "172.30.0.0/16", "Gateway": "172.30.0.254/16"})) == (
        "172.30.0.254"
    )


def test_a_bridge_without_a_named_gateway_has_its_subnets_first_address():
    details = inspected({"Subnet": "fd00::/64"}, {"Subnet": "172.17.0.0/16"})
    assert _gateway(details) == "172.17.0.1"  # the IPv4 subnet's, as the default bridge's


def test_a_network_without_a_usable_subnet_has_no_gateway():
    assert _gateway(inspected({"Subnet": "not a subnet"})) is None
    assert _gateway({}) is None
