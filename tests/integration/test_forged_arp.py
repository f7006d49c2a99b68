"""No instance can answer for 169.254.169.254, or for the gateway towards LocalStack, in another
instance's place: instances run without CAP_NET_RAW, so a forged ARP reply cannot be sent (the
Debian AMI, `make ami-debian`, plays the attacker with Python's packet sockets). EC2_ALLOW_NET_RAW
gives the capability back; ping keeps working through ICMP datagram sockets."""

import base64
import json
import re
import textwrap
from urllib.parse import urlsplit

import pytest

from harness.localstack_process import LocalStack
from tests.integration.helpers import container_of, finished, run_command
from tests.integration.imds_helpers import METADATA, METADATA_NETWORK, RESPONDER, MetadataClient
from tests.integration.test_instance_credentials import make_profile

DEBIAN_AMI = "ami-0d3b1a2c3d4e5f607"
CAP_NET_RAW = 13

# argv: interface MAC (ours), claimed address, victim MAC, victim address. Sends three unicast
# ARP replies "<claimed> is at <our MAC>" to the victim only, one second apart: Linux ignores a
# reply that would change an entry updated less than a second ago (neigh locktime).
FORGE_ARP = textwrap.dedent(
    """
    import os, socket, struct, sys, time
    mine, claimed, victim_mac, victim_ip = sys.argv[1:]
    iface = next(n for n in os.listdir("/sys/class/net")
                 if open(f"/sys/class/net/{n}/address").read().strip() == mine)
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    except PermissionError as e:
        print("refused", e.errno)
        sys.exit(0)
    s.bind((iface, 0))
    mac = lambda m: bytes.fromhex(m.replace(":", ""))
    ip = socket.inet_aton
    frame = mac(victim_mac) + mac(mine) + struct.pack("!H", 0x0806)
    frame += struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac(mine) + ip(claimed)
    frame += mac(victim_mac) + ip(victim_ip)
    for _ in range(3):
        s.send(frame)
        time.sleep(1)
    print("sent")
    """
)

# argv: address. One ICMP echo over a datagram socket (as iputils ping does without NET_RAW).
PING = textwrap.dedent(
    """
    import socket, struct, sys
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
    s.settimeout(5)
    s.sendto(struct.pack("!BBHHH", 8, 0, 0, 0, 1) + b"localstack", (sys.argv[1], 0))
    reply, _ = s.recvfrom(128)
    print("echo reply" if reply[0] == 0 and reply.endswith(b"localstack") else reply)
    """
)

OPEN_RAW = "import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW); print('opened')"


def python(ssm, instance_id: str, script: str, *args: str) -> dict:
    """Runs a Python script in the instance through Run Command; the finished invocation."""
    encoded = base64.b64encode(script.encode()).decode()
    command_id = run_command(
        ssm,
        instance_id,
        [
            f"echo {encoded} | base64 -d > /tmp/script.py",
            f"python3 /tmp/script.py {' '.join(args)}",
        ],
    )
    return finished(ssm, command_id, instance_id)


def capabilities(container) -> int:
    """The effective capability set of the container's first process."""
    status = container.exec_run(["cat", "/proc/1/status"]).output.decode()
    return int(re.search(r"^CapEff:\s*([0-9a-f]+)$", status, re.M)[1], 16)


def neighbours(container) -> dict[str, str]:
    """The container's ARP table (address -> MAC), read from inside it."""
    table = container.exec_run(["cat", "/proc/net/arp"]).output.decode().splitlines()[1:]
    return {line.split()[0]: line.split()[3] for line in table}


def endpoint(container, network: str) -> dict:
    container.reload()
    return container.attrs["NetworkSettings"]["Networks"][network]


def launch_debian(localstack, **kwargs) -> str:
    instance_id = localstack.client("ec2").run_instances(
        ImageId=DEBIAN_AMI, MinCount=1, MaxCount=1, **kwargs
    )["Instances"][0]["InstanceId"]
    return instance_id


@pytest.fixture(scope="module")
def attacker(localstack, docker_client):
    """A Debian instance (Python 3) with no instance profile, its route to IMDS checked."""
    instance_id = launch_debian(localstack)
    MetadataClient(container_of(docker_client, instance_id))
    yield instance_id
    localstack.client("ec2").terminate_instances(InstanceIds=[instance_id])


@pytest.fixture(scope="module")
def victim(localstack, docker_client):
    """A busybox instance with the instance profile `victim`."""
    make_profile(localstack, "victim")
    ec2 = localstack.client("ec2")
    instance_id = ec2.run_instances(
        ImageId="ami-0b5b0b5b0b5b0b5b0",
        MinCount=1,
        MaxCount=1,
        IamInstanceProfile={"Name": "victim"},
    )["Instances"][0]["InstanceId"]
    yield instance_id
    ec2.terminate_instances(InstanceIds=[instance_id])


def credentials(client: MetadataClient) -> dict:
    return json.loads(client.text("/latest/meta-data/iam/security-credentials/victim-role"))


def test_instances_run_without_net_raw(docker_client, attacker, victim):
    for instance_id in (attacker, victim):
        assert not capabilities(container_of(docker_client, instance_id)) & (1 << CAP_NET_RAW)


def test_an_instance_cannot_claim_the_metadata_address(ssm, docker_client, attacker, victim):
    target = container_of(docker_client, victim)
    metadata = MetadataClient(target)
    assert credentials(metadata)["Code"] == "Success"  # the victim now has a neighbour entry
    responder_mac = endpoint(docker_client.containers.get(RESPONDER), METADATA_NETWORK)
    assert neighbours(target)[METADATA] == responder_mac["MacAddress"]
    ours, theirs = (
        endpoint(c, METADATA_NETWORK) for c in (container_of(docker_client, attacker), target)
    )

    result = python(
        ssm,
        attacker,
        FORGE_ARP,
        ours["MacAddress"],
        METADATA,
        theirs["MacAddress"],
        theirs["IPAddress"],
    )

    assert neighbours(target)[METADATA] == responder_mac["MacAddress"], result
    assert result["StandardOutputContent"].split() == ["refused", "1"]
    assert credentials(metadata)["Code"] == "Success"


def test_an_instance_cannot_claim_the_gateway_towards_localstack(
    localstack, ssm, docker_client, attacker, victim
):
    target = container_of(docker_client, victim)
    network = next(n for n in target.attrs["NetworkSettings"]["Networks"] if n != METADATA_NETWORK)
    ours, theirs = (endpoint(c, network) for c in (container_of(docker_client, attacker), target))
    # LocalStack's relay on the victim's bridge, as the log says it
    said = re.search(r"relayed to instances' bridge at (\S+)", localstack.log_path.read_text())
    assert said, localstack.log_tail()
    relay = urlsplit(said[1])
    # the victim speaks to the relay: it now has a neighbour entry for it; the exchange is over
    # (the relay closes it) before the attack: nothing refreshes the entry
    health = "GET /_localstack/health HTTP/1.0\r\n\r\n"
    script = f'printf "{health}" | timeout 10 nc {relay.hostname} {relay.port}'
    assert target.exec_run(["sh", "-c", script]).output.startswith(b"HTTP/1.")
    assert relay.hostname == theirs["Gateway"] and relay.hostname in neighbours(target)

    result = python(
        ssm,
        attacker,
        FORGE_ARP,
        ours["MacAddress"],
        relay.hostname,
        theirs["MacAddress"],
        theirs["IPAddress"],
    )

    assert neighbours(target)[relay.hostname] != ours["MacAddress"], result
    assert result["StandardOutputContent"].split() == ["refused", "1"]


def test_ping_between_instances_works_without_net_raw(ssm, docker_client, attacker, victim):
    target = endpoint(container_of(docker_client, victim), "bridge")
    result = python(ssm, attacker, PING, target["IPAddress"])
    assert result["StandardOutputContent"] == "echo reply\n", result["StandardErrorContent"]


def test_ec2_allow_net_raw_gives_instances_packet_sockets(tmp_path, docker_client):
    allowing = LocalStack(tmp_path, env={"EC2_ALLOW_NET_RAW": "1"})
    try:
        instance_id = launch_debian(allowing)
        container = container_of(docker_client, instance_id)
        assert capabilities(container) & (1 << CAP_NET_RAW)
        result = python(allowing.client("ssm"), instance_id, OPEN_RAW)
        assert result["StandardOutputContent"] == "opened\n", result["StandardErrorContent"]
        allowing.client("ec2").terminate_instances(InstanceIds=[instance_id])
    finally:
        assert allowing.stop() == 0
