import threading

from localstack_ssm_docker.ssm.sessions.codec import PayloadType
from localstack_ssm_docker.ssm.sessions.port_bridge import StreamPortBridge


class OnCueSocket:
    """A connection whose first sendall waits for the test's cue; it records what it sent."""

    def __init__(self):
        self.sent: list[bytes] = []
        self.sending = threading.Event()
        self.release = threading.Event()
        self.closed = threading.Event()

    def sendall(self, data: bytes) -> None:
        if not self.sending.is_set():
            self.sending.set()
            assert self.release.wait(5)
        self.sent.append(data)

    def recv(self, size: int) -> bytes:
        self.closed.wait(5)
        return b""

    def shutdown(self, how: int) -> None:
        self.closed.set()

    def close(self) -> None:
        self.closed.set()


class ConnectOnCueEngine:
    def __init__(self, connection: OnCueSocket):
        self.connection = connection
        self.connecting = threading.Event()
        self.release = threading.Event()

    def connect_port(self, container_id, host, port, timeout):
        self.connecting.set()
        assert self.release.wait(5)
        return self.connection


def test_input_reaches_the_port_in_order_while_earlier_input_is_flushed():
    connection = OnCueSocket()
    engine = ConnectOnCueEngine(connection)
    ended: list[str] = []
    bridge = StreamPortBridge(engine, "c-1", "", 22, lambda data, kind: None, ended.append)
    bridge.start()
    try:
        assert engine.connecting.wait(5)
        bridge.on_input(PayloadType.OUTPUT, b"first")  # before the connection is up: kept
        engine.release.set()
        assert connection.sending.wait(5)  # "first" is being sent
        bridge.on_input(PayloadType.OUTPUT, b"second")
        connection.release.set()
    finally:
        engine.release.set()
        connection.release.set()
        bridge.close()
    assert connection.sent == [b"first", b"second"]


class InstanceSocket(OnCueSocket):
    """A connection to the instance at 172.17.0.9 that sends at once; `reading` once the
    bridge reads it (its connect is over)."""

    def __init__(self, reading: threading.Semaphore):
        super().__init__()
        self.sending.set()
        self._reading = reading

    def getpeername(self):
        return ("172.17.0.9", 8080)

    def recv(self, size: int) -> bytes:
        self._reading.release()
        return super().recv(size)


class RecordingEngine:
    def __init__(self):
        self.hosts: list[str] = []
        self.reading = threading.Semaphore(0)

    def connect_port(self, container_id, host, port, timeout):
        self.hosts.append(host)
        return InstanceSocket(self.reading)


def test_later_connections_to_the_instance_reuse_the_address_the_first_one_reached():
    from localstack_ssm_docker.ssm.sessions import smux
    from localstack_ssm_docker.ssm.sessions.port_bridge import MuxPortBridge

    engine = RecordingEngine()
    bridge = MuxPortBridge(engine, "c-1", "", 8080, lambda data, kind: None, lambda reason: None)
    try:
        for sid in (1, 3, 5):
            bridge.on_input(PayloadType.OUTPUT, smux.encode(smux.Cmd.SYN, sid))
            assert engine.reading.acquire(timeout=5)
    finally:
        bridge.close()
    assert engine.hosts == ["", "172.17.0.9", "172.17.0.9"]
