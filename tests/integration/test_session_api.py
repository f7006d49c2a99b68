"""Session Manager's API shapes and errors, the session documents, and the data channel spoken
by hand: token checks, resume, garbage, vanished clients, floods."""

import json
import urllib.error
import urllib.request
import uuid

import psutil
import pytest
from botocore.exceptions import ClientError

from harness.session_protocol import ProtocolClient
from harness.ws_client import Closed, WebSocketClient
from localstack_ssm_docker.ssm.sessions import codec, exec_bridge
from localstack_ssm_docker.ssm.sessions.codec import Frame, PayloadType
from tests.integration.helpers import container_of, poll, until_online

from .conftest import AMI_ID

SESSION_DOCUMENTS = {
    "AWS-StartInteractiveCommand",
    "AWS-StartNonInteractiveCommand",
    "AWS-StartPortForwardingSession",
    "AWS-StartPortForwardingSessionToRemoteHost",
    "AWS-StartSSHSession",
}


@pytest.fixture(scope="module")
def instance_id(localstack):
    ec2 = localstack.client("ec2")
    (instance,) = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"]
    ssm = localstack.client("ssm")
    until_online(ssm, instance["InstanceId"])
    yield instance["InstanceId"]
    ec2.terminate_instances(InstanceIds=[instance["InstanceId"]])


@pytest.fixture(scope="module")
def served_a_session(localstack, instance_id) -> None:
    """One whole session served first, so that the threads LocalStack's server keeps once it
    served one (a worker for a data channel beside those for API calls) exist before a test
    counts threads: a test that runs first in a fresh LocalStack counts as the others do."""
    ssm = localstack.client("ssm")
    reply = ssm.start_session(Target=instance_id)
    client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
    _shell(client)
    ssm.describe_sessions(State="Active")
    ssm.terminate_session(SessionId=reply["SessionId"])
    client.read_until(lambda c: c.closed is not None)


def _code(error: pytest.ExceptionInfo) -> str:
    return error.value.response["Error"]["Code"]


def _processes(docker_client, instance_id: str) -> list[str]:
    out = container_of(docker_client, instance_id).exec_run(["ps", "-o", "pid,args"]).output
    lines = out.decode().splitlines()[1:]
    return [line for line in lines if "sleep infinity" not in line and " ps -o" not in line]


def _shell(client: ProtocolClient, prompt: bytes = b"# ") -> None:
    """Completes the handshake of a shell session and waits for the prompt."""
    client.read_until(lambda c: c.handshake is not None)
    client.send_input(json.dumps({"cols": 100, "rows": 30}).encode(), PayloadType.SIZE)
    client.wait_output(prompt)


def test_start_session_shape(localstack, ssm, instance_id):
    reply = ssm.start_session(Target=instance_id, Reason="debugging")
    assert reply["SessionId"].startswith("root-")
    assert len(reply["SessionId"].rsplit("-", 1)[1]) == 17
    assert reply["TokenValue"]
    host = localstack.endpoint.removeprefix("http://")
    assert reply["StreamUrl"].startswith(f"ws://{host}/v1/data-channel/{reply['SessionId']}?")
    (active,) = ssm.describe_sessions(
        State="Active", Filters=[{"key": "SessionId", "value": reply["SessionId"]}]
    )["Sessions"]
    assert active["Status"] == "Connecting"
    assert active["Reason"] == "debugging"
    assert active["DocumentName"] == "SSM-SessionManagerRunShell"
    assert ssm.terminate_session(SessionId=reply["SessionId"])["SessionId"] == reply["SessionId"]
    (ended,) = ssm.describe_sessions(
        State="History", Filters=[{"key": "SessionId", "value": reply["SessionId"]}]
    )["Sessions"]
    assert ended["Status"] == "Terminated"
    assert "EndDate" in ended


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        ({"Target": "i-00000000000000000"}, "TargetNotConnected"),
        ({"DocumentName": "No-Such-Document"}, "InvalidDocument"),
        ({"DocumentName": "AWS-RunShellScript"}, "InvalidDocument"),
        (
            {"DocumentName": "AWS-StartPortForwardingSession", "Parameters": {"portNumber": ["x"]}},
            "InvalidParameters",
        ),
        ({"DocumentName": "AWS-StartNonInteractiveCommand"}, "InvalidParameters"),
    ],
    ids=["unknown-target", "no-document", "command-document", "bad-port", "missing-command"],
)
def test_start_session_errors(ssm, instance_id, request_, code):
    with pytest.raises(ClientError) as error:
        ssm.start_session(**{"Target": instance_id, **request_})
    assert _code(error) == code


def test_stopped_instance_is_not_connected(localstack, ssm, launch):
    (stopped,) = launch()
    localstack.client("ec2").stop_instances(InstanceIds=[stopped])
    with pytest.raises(ClientError) as error:
        ssm.start_session(Target=stopped)
    assert _code(error) == "TargetNotConnected"
    assert f"{stopped} is not connected" in str(error.value)


def test_resume_and_terminate_unknown(ssm):
    with pytest.raises(ClientError) as error:
        ssm.resume_session(SessionId="root-0123456789abcdef0")
    assert _code(error) == "DoesNotExistException"
    assert ssm.terminate_session(SessionId="root-0123456789abcdef0")["SessionId"]


def test_describe_sessions_filters_and_pages(localstack, ssm, instance_id):
    other_region = localstack.client("ssm", region="eu-west-1")
    ids = [ssm.start_session(Target=instance_id)["SessionId"] for _ in range(3)]
    try:
        first = ssm.describe_sessions(State="Active", MaxResults=2)
        assert len(first["Sessions"]) == 2
        second = ssm.describe_sessions(State="Active", MaxResults=2, NextToken=first["NextToken"])
        seen = {s["SessionId"] for s in first["Sessions"] + second["Sessions"]}
        assert set(ids) <= seen
        by_target = ssm.describe_sessions(
            State="Active", Filters=[{"key": "Target", "value": instance_id}]
        )["Sessions"]
        assert set(ids) <= {s["SessionId"] for s in by_target}
        later = ssm.describe_sessions(
            State="Active", Filters=[{"key": "InvokedAfter", "value": "2100-01-01T00:00:00Z"}]
        )["Sessions"]
        assert later == []
        assert other_region.describe_sessions(State="Active")["Sessions"] == []
        with pytest.raises(ClientError) as error:
            ssm.describe_sessions(
                State="Active", Filters=[{"key": "InvokedAfter", "value": "yesterday"}]
            )
        assert _code(error) == "InvalidFilterKey"
    finally:
        for session_id in ids:
            ssm.terminate_session(SessionId=session_id)


def test_session_documents_are_listed_and_described(ssm):
    listed = ssm.list_documents(Filters=[{"Key": "DocumentType", "Values": ["Session"]}])
    names = {d["Name"] for d in listed["DocumentIdentifiers"]}
    assert names >= SESSION_DOCUMENTS
    described = ssm.describe_document(Name="AWS-StartPortForwardingSession")["Document"]
    assert described["DocumentType"] == "Session"
    assert {p["Name"] for p in described["Parameters"]} == {"portNumber", "localPortNumber"}
    document = ssm.get_document(Name="AWS-StartSSHSession")
    assert document["DocumentType"] == "Session"
    assert json.loads(document["Content"])["properties"] == {"portNumber": "{{ portNumber }}"}
    with pytest.raises(ClientError) as error:
        ssm.send_command(InstanceIds=["i-00000000000000000"], DocumentName="AWS-StartSSHSession")
    assert _code(error) == "InvalidDocument"


def test_custom_session_document(ssm, instance_id):
    content = {
        "schemaVersion": "1.0",
        "description": "Prints a greeting",
        "sessionType": "InteractiveCommands",
        "parameters": {"name": {"type": "String", "default": "world"}},
        "properties": {"linux": {"commands": "echo hello-{{ name }}", "runAsElevated": False}},
    }
    ssm.create_document(
        Name="Greeting-Session", Content=json.dumps(content), DocumentType="Session"
    )
    reply = ssm.start_session(
        Target=instance_id, DocumentName="Greeting-Session", Parameters={"name": ["you"]}
    )
    client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
    client.read_until(lambda c: c.handshake is not None)
    action = client.handshake["RequestedClientActions"][0]["ActionParameters"]
    assert action["SessionType"] == "InteractiveCommands"
    client.wait_output(b"hello-you")
    client.read_until(lambda c: c.closed is not None)
    assert client.closed["SessionId"] == reply["SessionId"]


def test_wrong_and_reused_tokens_close_the_channel(ssm, instance_id):
    reply = ssm.start_session(Target=instance_id)
    try:
        wrong = ProtocolClient(reply["StreamUrl"], "not-the-token")
        with pytest.raises(Closed) as closed:
            wrong.ws.receive(10)
        assert closed.value.args[0] == 1008
        good = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
        _shell(good)
        reused = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
        with pytest.raises(Closed):
            reused.ws.receive(10)
        good.send_input(b"echo still-$((1+1))\r")
        good.wait_output(b"still-2")
    finally:
        ssm.terminate_session(SessionId=reply["SessionId"])


def test_plain_http_request_is_refused(localstack, ssm, instance_id):
    reply = ssm.start_session(Target=instance_id)
    url = reply["StreamUrl"].replace("ws://", "http://")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url, timeout=10)
    assert error.value.code == 400
    ssm.terminate_session(SessionId=reply["SessionId"])


def test_resume_after_the_socket_drops(ssm, instance_id):
    reply = ssm.start_session(Target=instance_id)
    try:
        client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
        _shell(client)
        client.send_input(b"cd /proc; echo before-$((2+3))\r")
        client.wait_output(b"before-5")
        client.ws.abort()
        poll(
            lambda: ssm.describe_sessions(
                State="Active", Filters=[{"key": "SessionId", "value": reply["SessionId"]}]
            )["Sessions"],
            lambda found: bool(found) and found[0]["Status"] == "Disconnected",
        )
        resumed = ssm.resume_session(SessionId=reply["SessionId"])
        assert resumed["TokenValue"] != reply["TokenValue"]
        again = ProtocolClient(resumed["StreamUrl"], resumed["TokenValue"])
        # the plugin keeps numbering where it was after a reconnect
        again.next_seq, again.expected = client.next_seq, client.expected
        again.send_input(b"pwd; echo after-$((3+4))\r")
        again.wait_output(b"after-7")
        assert b"/proc" in again.output
    finally:
        ssm.terminate_session(SessionId=reply["SessionId"])


@pytest.mark.parametrize(
    "garbage",
    [
        b"not a frame at all",
        b"\x00" * 120,
        "digest",
        "text",
    ],
    ids=["garbage", "zero-header", "wrong-digest", "text-frame"],
)
def test_bad_frames_close_the_channel_not_localstack(
    localstack, ssm, instance_id, docker_client, served_a_session, garbage
):
    process = psutil.Process(localstack.process.pid)
    before_threads = process.num_threads()
    before = _processes(docker_client, instance_id)
    reply = ssm.start_session(Target=instance_id)
    this_session = [{"key": "SessionId", "value": reply["SessionId"]}]
    try:
        client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
        _shell(client)
        if garbage == "digest":
            data = bytearray(codec.encode(Frame("input_stream_data", client.next_seq, 1, b"ls\r")))
            data[-1] ^= 1
            client.ws.send(bytes(data))
        elif garbage == "text":
            client.ws.send("{not json")
        else:
            client.ws.send(garbage)
        if garbage == "text":
            client.send_input(b"echo alive\r")  # a stray text frame is ignored
            client.wait_output(b"alive")
            ssm.terminate_session(SessionId=reply["SessionId"])
        else:
            with pytest.raises(Closed) as closed:
                client.read_until(lambda c: False, 10)
            assert closed.value.args[0] == 1003
            assert client.closed is not None  # told why before the socket closed
            # the session ended before its channel closed: no resume, nothing left running
            (ended,) = ssm.describe_sessions(State="History", Filters=this_session)["Sessions"]
            assert ended["Status"] == "Terminated"
    finally:
        ssm.terminate_session(SessionId=reply["SessionId"])
    assert ssm.describe_sessions(State="Active", Filters=this_session)["Sessions"] == []
    poll(lambda: _processes(docker_client, instance_id), lambda now: now == before)
    poll(process.num_threads, lambda now: now <= before_threads)


def test_unknown_message_type_is_ignored(ssm, instance_id):
    reply = ssm.start_session(Target=instance_id)
    try:
        client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
        _shell(client)
        client.ws.send(codec.encode(Frame("something_new", payload=b"?")))
        client.send_input(b"echo fine\r")
        client.wait_output(b"fine")
    finally:
        ssm.terminate_session(SessionId=reply["SessionId"])


def test_input_in_websocket_fragments_is_one_frame(ssm, instance_id):
    reply = ssm.start_session(Target=instance_id)
    try:
        client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
        _shell(client)
        frame = Frame("input_stream_data", client.next_seq, 1, b"echo whole-$((6*7))\r")
        client.next_seq += 1
        client.ws.send_fragments(codec.encode(frame), 3)
        client.wait_output(b"whole-42")
    finally:
        ssm.terminate_session(SessionId=reply["SessionId"])


def test_a_process_whose_session_was_killed_before_it_started_does_not_run(
    docker_client, instance_id
):
    """A session ended while its exec opened: the kill may run before the process recorded
    itself (docker exec returns before the process starts)."""
    container = container_of(docker_client, instance_id)
    session_id = f"late-{uuid.uuid4().hex[:12]}"
    assert container.exec_run(["sh", "-c", exec_bridge._KILL, "sh", session_id]).exit_code == 0
    started = container.exec_run(
        ["sh", "-c", exec_bridge._WRAPPER, "sh", session_id, "sh", "-c", "echo it-ran"]
    )
    assert b"it-ran" not in started.output
    leftovers = container.exec_run(
        ["sh", "-c", f"ls /tmp /var/lib/amazon/ssm/sessions | grep {session_id}"]
    )
    assert leftovers.output == b""  # no marker or pid file stays behind


def test_vanished_client_and_input_flood(
    localstack, ssm, instance_id, docker_client, served_a_session
):
    process = psutil.Process(localstack.process.pid)
    before_threads = process.num_threads()
    before = _processes(docker_client, instance_id)
    reply = ssm.start_session(
        Target=instance_id,
        DocumentName="AWS-StartInteractiveCommand",
        Parameters={"command": ["cat > /dev/null"]},
    )
    client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
    client.read_until(lambda c: c.handshake is not None)
    for _ in range(3000):
        client.send_input(b"x" * 1000)
    client.ws.abort()  # gone without a close, mid-flood
    poll(
        lambda: ssm.describe_sessions(
            State="Active", Filters=[{"key": "SessionId", "value": reply["SessionId"]}]
        )["Sessions"],
        lambda found: bool(found) and found[0]["Status"] == "Disconnected",
    )
    ssm.terminate_session(SessionId=reply["SessionId"])
    poll(lambda: _processes(docker_client, instance_id), lambda now: now == before)
    poll(process.num_threads, lambda now: now <= before_threads)


def test_other_accounts_do_not_see_sessions(localstack, ssm, instance_id):
    reply = ssm.start_session(Target=instance_id)
    try:
        other = localstack.client("ssm", account="111111111111")
        assert other.describe_sessions(State="Active")["Sessions"] == []
        with pytest.raises(ClientError) as error:
            other.resume_session(SessionId=reply["SessionId"])
        assert _code(error) == "DoesNotExistException"
    finally:
        ssm.terminate_session(SessionId=reply["SessionId"])


def test_websocket_for_unknown_session(localstack):
    host = localstack.endpoint.removeprefix("http://")
    client = WebSocketClient(f"ws://{host}/v1/data-channel/root-00000000000000000")
    client.send(json.dumps({"TokenValue": "x"}))
    with pytest.raises(Closed):
        client.receive(10)


def test_preferences_run_as_and_shell_profile(localstack, launch, docker_client):
    """SSM-SessionManagerRunShell's inputs, saved by the account, shape its shell sessions (an
    account of its own: preferences are per account)."""
    account = "222222222222"
    ssm = localstack.client("ssm", account=account)
    (instance_id,) = launch(account=account)
    poll(
        lambda: ssm.describe_instance_information()["InstanceInformationList"],
        lambda found: any(i["PingStatus"] == "Online" for i in found),
    )
    first = ssm.start_session(Target=instance_id)  # as root, before the preferences
    _shell(ProtocolClient(first["StreamUrl"], first["TokenValue"]))
    ssm.terminate_session(SessionId=first["SessionId"])
    preferences = {
        "schemaVersion": "1.0",
        "description": "Session preferences",
        "sessionType": "Standard_Stream",
        "inputs": {
            "runAsEnabled": True,
            "runAsDefaultUser": "nobody",
            "idleSessionTimeout": "5",
            "maxSessionDuration": "30",
            "shellProfile": {"linux": "export GREETING=from-profile", "windows": ""},
        },
    }
    ssm.create_document(
        Name="SSM-SessionManagerRunShell",
        Content=json.dumps(preferences),
        DocumentType="Session",
    )
    reply = ssm.start_session(Target=instance_id)
    try:
        (active,) = ssm.describe_sessions(State="Active")["Sessions"]
        assert active["MaxSessionDuration"] == "30"
        client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
        _shell(client, b"$ ")  # not root: nobody's prompt
        client.send_input(b"echo user-$(id -u)-$GREETING\r")
        client.wait_output(b"user-65534-from-profile")
        client.send_input(b"sleep 4242 & echo started-$((1+1))\r")
        client.wait_output(b"started-2")
    finally:
        ssm.terminate_session(SessionId=reply["SessionId"])
    # the user's processes end with the session (its pid file is where that user can write);
    # a killed process may still be listed for a moment after TerminateSession answers
    poll(
        lambda: [p for p in _processes(docker_client, instance_id) if "sleep 4242" in p],
        lambda left: not left,
    )


def test_transcripts_to_s3_and_cloudwatch_logs(localstack, launch):
    account = "333333333333"
    ssm = localstack.client("ssm", account=account)
    s3 = localstack.client("s3", account=account)
    logs = localstack.client("logs", account=account)
    (instance_id,) = launch(account=account)
    poll(
        lambda: ssm.describe_instance_information()["InstanceInformationList"],
        lambda found: any(i["PingStatus"] == "Online" for i in found),
    )
    s3.create_bucket(Bucket="session-transcripts")
    logs.create_log_group(logGroupName="/ssm/sessions")
    preferences = {
        "schemaVersion": "1.0",
        "description": "Session preferences",
        "sessionType": "Standard_Stream",
        "inputs": {
            "s3BucketName": "session-transcripts",
            "s3KeyPrefix": "kept",
            "cloudWatchLogGroupName": "/ssm/sessions",
        },
    }
    ssm.create_document(
        Name="SSM-SessionManagerRunShell", Content=json.dumps(preferences), DocumentType="Session"
    )
    reply = ssm.start_session(
        Target=instance_id,
        DocumentName="AWS-StartNonInteractiveCommand",
        Parameters={
            # a line longer than one CloudWatch Logs event (256 KiB) takes several
            "command": ["head -c 300000 /dev/zero | tr '\\0' x; echo; echo transcript-$((20 + 1))"]
        },
    )
    client = ProtocolClient(reply["StreamUrl"], reply["TokenValue"])
    client.read_until(lambda c: c.closed is not None)
    session_id = reply["SessionId"]
    body = poll(
        lambda: s3.list_objects_v2(Bucket="session-transcripts").get("Contents", []),
        lambda found: bool(found),
    )
    assert [o["Key"] for o in body] == [f"kept/{session_id}.log"]
    text = s3.get_object(Bucket="session-transcripts", Key=f"kept/{session_id}.log")["Body"].read()
    assert b"transcript-21" in text

    def events() -> list:
        streams = logs.describe_log_streams(logGroupName="/ssm/sessions")["logStreams"]
        if session_id not in {s["logStreamName"] for s in streams}:
            return []
        return logs.get_log_events(
            logGroupName="/ssm/sessions", logStreamName=session_id, startFromHead=True
        )["events"]

    written = poll(events, lambda found: any("transcript-21" in e["message"] for e in found))
    assert all(len(e["message"].encode()) + 26 <= 256 * 1024 for e in written)
    assert "x" * 300_000 in "".join(e["message"] for e in written)
