"""The instance metadata service from inside instances: route, IMDSv1/v2, values, isolation,
options at run time, user data, identity document, junk. Credentials and restarts are in
test_instance_credentials.py. Every request to 169.254.169.254 goes through MetadataClient, which
first checks that the container's route there is ours."""

import base64
import ipaddress
import json
import random
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.integration.helpers import container_of, finished, run_command
from tests.integration.imds_helpers import (
    ANSWER_TIMEOUT,
    METADATA,
    METADATA_NETWORK,
    METADATA_SUBNET,
    RESPONDER,
    MetadataClient,
    assert_route_is_ours,
    host_route,
    route_in_container,
)

HOST_ROUTE = host_route()


@pytest.fixture
def metadata(docker_client):
    def client(instance_id: str) -> MetadataClient:
        return MetadataClient(container_of(docker_client, instance_id))

    return client


def responder_of(docker_client, container):
    return docker_client.containers.get(RESPONDER)


def test_route_is_on_link_on_our_network_and_the_host_keeps_its_own(launch, docker_client):
    (instance_id,) = launch()
    container = container_of(docker_client, instance_id)
    assert_route_is_ours(container)
    assert host_route() == HOST_ROUTE
    addresses = subprocess.run(["ip", "-4", "addr"], capture_output=True, text=True).stdout
    assert "169.254.168." not in addresses and "169.254.169." not in addresses
    routes = subprocess.run(["ip", "route"], capture_output=True, text=True).stdout
    assert str(METADATA_SUBNET) not in routes


def test_docker_gives_no_container_an_address_kept_for_services(launch, docker_client):
    """Docker picks addresses on the metadata network only in 169.254.168.0/24: 169.254.169.254
    (and 169.254.169.253, AWS's resolver) go to no instance, even with the responder off it."""
    (instance_id,) = launch()
    network = docker_client.networks.get(METADATA_NETWORK)
    (pool,) = network.attrs["IPAM"]["Config"]
    assert (pool["Subnet"], pool.get("IPRange")) == ("169.254.168.0/23", "169.254.168.0/24")
    dynamic = ipaddress.ip_network("169.254.168.0/24")
    instance = container_of(docker_client, instance_id)
    address = instance.attrs["NetworkSettings"]["Networks"][METADATA_NETWORK]["IPAddress"]
    assert ipaddress.ip_address(address) in dynamic
    responder = docker_client.containers.get(RESPONDER)
    assert responder.attrs["NetworkSettings"]["Networks"][METADATA_NETWORK]["IPAddress"] == METADATA
    ours = docker_client.containers.run(
        "localstack-ec2/busybox:ami-0b5b0b5b0b5b0b5b0",
        ["sleep", "60"],
        detach=True,
        network=METADATA_NETWORK,
        cap_drop=["ALL"],
        labels={"localstack-ssm-docker.test": "imds-address"},
    )
    try:
        ours.reload()
        picked = ours.attrs["NetworkSettings"]["Networks"][METADATA_NETWORK]["IPAddress"]
        assert ipaddress.ip_address(picked) in dynamic
    finally:
        ours.remove(force=True)


def test_fail_closed_when_the_responder_does_not_answer(launch, docker_client, metadata):
    (instance_id,) = launch()
    client = metadata(instance_id)
    assert client.text("/latest/meta-data/instance-id") == instance_id
    responder = responder_of(docker_client, client.container)
    responder.pause()  # (a stopped responder is started again by the extension within seconds)
    try:
        route = route_in_container(client.container)  # still on-link: nowhere else to go
        assert " via " not in route and host_route() == HOST_ROUTE
        code, answer = client.exchange(b"GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n", 3)
        assert (code, answer) == (143, b"")  # still waiting when timeout killed it
    finally:
        responder.unpause()
    assert client.text("/latest/meta-data/instance-id") == instance_id


def test_an_unregistered_caller_gets_nothing(launch, docker_client, metadata):
    (instance_id,) = launch()
    client = metadata(instance_id)
    address = client.container.attrs["NetworkSettings"]["Networks"][METADATA_NETWORK]["IPAddress"]
    hexed = "".join(f"{int(part):02X}" for part in reversed(address.split(".")))
    responder = responder_of(docker_client, client.container)
    registration = f"/run/imds/0000000000000000FFFF0000{hexed}"
    saved = responder.exec_run(["cat", registration]).output
    responder.exec_run(["rm", "-f", registration])
    try:
        code, answer = client.exchange(b"GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n")
        assert (code, answer) == (0, b"")  # closed at once, no answer
    finally:
        responder.exec_run(["sh", "-c", f'printf "%s" "$1" > {registration}', "sh", saved.decode()])
    assert client.text("/latest/meta-data/instance-id") == instance_id


def test_imdsv1_and_imdsv2(launch, metadata):
    (instance_id,) = launch()
    client = metadata(instance_id)
    assert client.text("/latest/meta-data/instance-id") == instance_id
    token = client.token(ttl=120)
    reply = client.get("/latest/meta-data/instance-id", token)
    assert (reply.status, reply.body.decode()) == (200, instance_id)
    assert reply.headers["x-aws-ec2-metadata-token-ttl-seconds"] in {"119", "120"}
    assert client.get("/latest/meta-data/instance-id", "not-a-token").status == 401
    for ttl in ("0", "21601", "abc"):
        reply = client.request(
            "PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": ttl}
        )
        assert reply.status == 400, ttl
    assert client.request("PUT", "/latest/api/token").status == 400
    assert client.request("GET", "/latest/api/token").status == 405
    assert client.request("POST", "/latest/meta-data/instance-id").status == 405
    assert client.get("/latest/meta-data/no-such-thing").status == 404
    assert client.request("HEAD", "/latest/meta-data/instance-id").body == b""


def test_values_agree_with_describe_instances(ec2, launch, metadata):
    (instance_id,) = launch(InstanceType="t3.small")
    described = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]
    instance = described["Instances"][0]
    client = metadata(instance_id)
    container_ip = client.container.attrs["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]
    assert instance["PrivateIpAddress"] == container_ip
    expected = {
        "instance-id": instance_id,
        "ami-id": instance["ImageId"],
        "instance-type": "t3.small",
        "local-ipv4": container_ip,
        "local-hostname": instance["PrivateDnsName"],
        "hostname": instance["PrivateDnsName"],
        "placement/availability-zone": instance["Placement"]["AvailabilityZone"],
        "placement/region": "us-east-1",
        "reservation-id": described["ReservationId"],
        "ami-launch-index": str(instance["AmiLaunchIndex"]),
        "mac": instance["NetworkInterfaces"][0]["MacAddress"],
        "security-groups": "\n".join(g["GroupName"] for g in instance["SecurityGroups"]),
        "instance-life-cycle": "on-demand",
    }
    for path, value in expected.items():
        assert client.text(f"/latest/meta-data/{path}") == value, path
    if instance.get("PublicIpAddress"):
        assert client.text("/latest/meta-data/public-ipv4") == instance["PublicIpAddress"]
    listing = client.text("/latest/meta-data/").split("\n")
    for directory in ("block-device-mapping/", "events/", "network/", "placement/"):
        assert directory in listing
    assert client.text("/latest/") == "dynamic/\nmeta-data/"
    assert client.text("/").split("\n")[-1] == "latest"
    mac = expected["mac"]
    assert (
        client.text(f"/latest/meta-data/network/interfaces/macs/{mac}/local-ipv4s") == container_ip
    )
    zone_id = client.text("/latest/meta-data/placement/availability-zone-id")
    zones = ec2.describe_availability_zones(ZoneNames=[expected["placement/availability-zone"]])
    assert zone_id == zones["AvailabilityZones"][0]["ZoneId"]


def test_two_instances_see_only_themselves(launch, metadata):
    first, second = launch(count=2)
    one, two = metadata(first), metadata(second)
    assert one.text("/latest/meta-data/instance-id") == first
    assert two.text("/latest/meta-data/instance-id") == second
    token = one.token()
    assert one.get("/latest/meta-data/instance-id", token).status == 200
    assert two.get("/latest/meta-data/instance-id", token).status == 401
    assert two.text("/latest/meta-data/ami-launch-index") == "1"


def test_metadata_options_at_launch_and_at_run_time(ec2, launch, metadata):
    (instance_id,) = launch(
        MetadataOptions={"HttpTokens": "required", "InstanceMetadataTags": "enabled"},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "blue"}]}
        ],
    )
    client = metadata(instance_id)
    options = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0][
        "MetadataOptions"
    ]
    assert (options["HttpTokens"], options["InstanceMetadataTags"]) == ("required", "enabled")
    assert client.get("/latest/meta-data/instance-id").status == 401
    token = client.token()
    assert client.text("/latest/meta-data/tags/instance/", token) == "team"
    assert client.text("/latest/meta-data/tags/instance/team", token) == "blue"
    ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "stage", "Value": "prod"}])
    assert client.text("/latest/meta-data/tags/instance/stage", token) == "prod"

    ec2.modify_instance_metadata_options(
        InstanceId=instance_id, HttpTokens="optional", InstanceMetadataTags="disabled"
    )
    assert client.text("/latest/meta-data/instance-id") == instance_id
    assert client.get("/latest/meta-data/tags/instance/team").status == 404

    ec2.modify_instance_metadata_options(InstanceId=instance_id, HttpEndpoint="disabled")
    options = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0][
        "MetadataOptions"
    ]
    assert options["HttpEndpoint"] == "disabled"
    assert client.raw(b"GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n") == b""
    ec2.modify_instance_metadata_options(InstanceId=instance_id, HttpEndpoint="enabled")
    assert client.text("/latest/meta-data/instance-id") == instance_id


def test_user_data(launch, metadata):
    (without,) = launch()
    assert metadata(without).get("/latest/user-data").status == 404
    script = "#!/bin/sh\necho hello from user data\n"
    (with_data,) = launch(UserData=script)
    client = metadata(with_data)
    assert client.get("/latest/user-data").body.decode() == script
    assert "user-data" in client.text("/latest/").split("\n")


def test_identity_document_and_its_signatures(ec2, launch, metadata, localstack):
    (instance_id,) = launch()
    client = metadata(instance_id)
    text = client.text("/latest/dynamic/instance-identity/document")
    document = json.loads(text)
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert document["instanceId"] == instance_id
    assert document["imageId"] == instance["ImageId"]
    assert document["privateIp"] == instance["PrivateIpAddress"]
    assert document["availabilityZone"] == instance["Placement"]["AvailabilityZone"]
    assert (document["accountId"], document["region"]) == ("000000000000", "us-east-1")
    assert document["instanceType"] == instance["InstanceType"]
    pem = (
        localstack.log_path.parent
        / "volume"
        / "state"
        / "localstack-ssm-docker"
        / "imds-signing-certificate.pem"
    ).read_bytes()
    certificate = x509.load_pem_x509_certificate(pem)
    signature = base64.b64decode(client.text("/latest/dynamic/instance-identity/signature"))
    certificate.public_key().verify(signature, text.encode(), padding.PKCS1v15(), hashes.SHA256())
    pkcs7 = client.text("/latest/dynamic/instance-identity/pkcs7")
    assert base64.b64decode(pkcs7.replace("\n", ""))


def test_localstack_is_reachable_from_inside(ssm, launch, docker_client):
    (instance_id,) = launch()
    container = container_of(docker_client, instance_id)
    environment = dict(e.split("=", 1) for e in container.attrs["Config"]["Env"])
    assert environment["AWS_REGION"] == environment["AWS_DEFAULT_REGION"] == "us-east-1"
    url = environment["AWS_ENDPOINT_URL"]
    host, port = url.removeprefix("http://").split(":")
    command_id = run_command(
        ssm,
        instance_id,
        [
            'echo "$AWS_ENDPOINT_URL $AWS_REGION"',
            f"printf 'GET /_localstack/health HTTP/1.0\\r\\n\\r\\n' "
            f"| timeout 5 nc {host} {port} | head -1",
        ],
    )
    output = finished(ssm, command_id, instance_id)["StandardOutputContent"]
    assert output.splitlines() == [f"{url} us-east-1", "HTTP/1.0 200 OK"]


def _junk(count: int) -> list[bytes]:
    """Malformed request heads (each ending with an empty line, as a client that is done
    sending), and random bytes in and around request lines."""
    rng = random.Random(12)
    fixed = [
        b"\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /latest/meta-data/../../etc/passwd HTTP/1.1\r\n\r\n",
        b"PUT /latest/api/token HTTP/1.1\r\n"
        b"X-aws-ec2-metadata-token-ttl-seconds: 99999999999999999999\r\n\r\n",
        b"GET /latest/meta-data/ HTTP/1.1\r\nX-aws-ec2-metadata-token: "
        + b"A" * 5000
        + b"\r\n\r\n",
        b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"BREW /latest HTTP/1.1\r\n\r\n",
        b"GET /latest/meta-data/%00 HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 150 + b"\r\n",
    ]
    junk = list(fixed)
    while len(junk) < count:
        blob = bytes(rng.randrange(1, 256) for _ in range(rng.randint(1, 300)))
        blob = blob.replace(b"\r\n\r\n", b"")
        if rng.random() < 0.5:
            blob = b"GET /latest/" + blob + b" HTTP/1.1"
        junk.append(blob + b"\r\n\r\n")
    return junk


def _send_all(client, requests: list[bytes], timeout: int) -> list[str]:
    """Sends each request on its own connection from inside the instance (one exec for all);
    the status line of each answer ("" when none came within `timeout`)."""
    archive = "".join(base64.b64encode(r).decode() + "\n" for r in requests)
    script = (
        'while read -r line; do echo "$line" | base64 -d > /tmp/junk; '
        f"timeout {timeout} nc {METADATA} 80 < /tmp/junk | head -1 | cut -c1-12; echo .; done"
    )
    assert_route_is_ours(client.container)
    result = client.container.exec_run(
        ["sh", "-c", f"printf '%s' \"$1\" | ( {script} )", "sh", archive], demux=True
    )
    answers = (result.output[0] or b"").decode("latin-1").split(".\n")[:-1]
    assert len(answers) == len(requests)
    return [a.strip() for a in answers]


def test_junk_on_the_metadata_port_never_gets_a_5xx_or_a_hang(launch, metadata):
    (instance_id,) = launch()
    client = metadata(instance_id)
    junk = _junk(300)
    statuses = _send_all(client, junk, timeout=ANSWER_TIMEOUT)
    assert all(s.startswith(("HTTP/1.1 2", "HTTP/1.1 4")) for s in statuses), statuses
    assert sum(s.startswith("HTTP/1.1 4") for s in statuses) > len(junk) // 2
    incomplete = [b"GET /latest/meta-data/ HTTP/1.1\r\nHost: x\r\n", b"GET /lat", b""]
    assert _send_all(client, incomplete, timeout=ANSWER_TIMEOUT) == ["HTTP/1.1 408"] * 3
    assert client.text("/latest/meta-data/instance-id") == instance_id


def test_an_instance_cannot_pose_as_another_at_the_listener(launch, metadata, docker_client):
    victim, attacker = launch(count=2)
    one, two = metadata(victim), metadata(attacker)
    assert one.text("/latest/meta-data/instance-id") == victim
    victim_address = one.container.attrs["NetworkSettings"]["Networks"][METADATA_NETWORK][
        "IPAddress"
    ]
    hexed = "".join(f"{int(part):02X}" for part in reversed(victim_address.split(".")))
    registration = responder_of(docker_client, one.container).exec_run(
        ["cat", f"/run/imds/0000000000000000FFFF0000{hexed}"]
    )
    host, port, secret = registration.output.decode().split()
    forged = f"LSIMDS guessed-{secret[:4]} 0000000000000000FFFF0000{hexed}:1234\n"
    request = forged + "GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n"
    result = two.container.exec_run(
        ["sh", "-c", f'printf "%s" "$1" | timeout 5 nc {host} {port}', "sh", request], demux=True
    )
    assert (result.output[0] or b"") == b""  # closed without a word


def test_addresses_follow_a_stop_and_start(ec2, launch, metadata, docker_client):
    (instance_id,) = launch()
    ec2.stop_instances(InstanceIds=[instance_id])
    ec2.start_instances(InstanceIds=[instance_id])
    client = metadata(instance_id)
    client.wait_for_route()
    address = client.container.attrs["NetworkSettings"]["Networks"]["bridge"]["IPAddress"]
    described = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert described["PrivateIpAddress"] == address
    assert client.text("/latest/meta-data/local-ipv4") == address
