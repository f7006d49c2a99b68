"""What the first EC2 and SSM requests would load and set up, done before LocalStack says Ready.

LocalStack starts a service's provider on its first request, and much of the request path loads
on first use: the service catalog and specs, moto's dispatch and service model, the stores of the
account and region, the IAM backend moto builds for an account it meets first. Our providers'
start then recovers instance containers and sets up the metadata network and its responder.
Left to the first RunInstances, all of that costs it about two seconds on 2 cores.

So the warm-up runs in two steps:

- `begin` (LocalStack's on_infra_start): a daemon thread starts the served providers as
  LocalStack's own eager loading does (``SERVICE_PLUGINS.require``), while LocalStack itself is
  still starting: the engine's I/O (containers listed, network and responder made) overlaps the
  rest of the start. Then it loads the specs and moto's backends of the default account.
- `finish` (on_infra_ready, which LocalStack runs before it prints Ready): waits for that thread
  (at most `wait_limit`: an engine that hangs delays Ready no longer than that), then sends one
  read-only request per served service through the gateway, as a client would, so that what the
  request path loads lazily is loaded.

Only in LocalStack's runtime (the thread waits until the runtime starts: importing this package
elsewhere starts nothing), and only when the engine answers: a LocalStack started before its
engine (or without one) leaves the providers to start on their first request, when the engine
may be there. Only idempotent work: the providers are LocalStack's singletons (a request
meanwhile waits for the same start), the requests read and change nothing.
"""

import http.client
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

LOG = logging.getLogger(__name__)

DEFAULT_ACCOUNT = "000000000000"
_WAIT_LIMIT_SECONDS = 10.0
_REQUEST_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Steps:
    """What a warm-up does; each step may raise (it is logged, and the first request then loads
    what is missing)."""

    runtime_started: Callable[[], None]
    """Returns once LocalStack's runtime is starting (never, in a process that only imports us)."""
    engine_answers: Callable[[], bool]
    start_services: Callable[[], None]
    """Starts the served providers (loading their modules, recovering the instances, setting up
    the metadata route)."""
    load: Callable[[], None]
    """Loads what needs no gateway: specs, parsers, moto's backends."""
    exercise: Callable[[], None]
    """Read-only requests through the gateway (once it listens)."""


class WarmUp:
    """`begin` once at the runtime's start, `finish` before Ready; each does its work once."""

    def __init__(self, steps: Steps, wait_limit: float = _WAIT_LIMIT_SECONDS):
        self._steps = steps
        self._wait_limit = wait_limit
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._started = False  # the providers started: the requests can follow
        self._finished = False

    def begin(self) -> None:
        """Starts the providers and loads on a daemon thread (LocalStack's start goes on)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._prepare, name="ssm-docker-warm-up", daemon=True
            )
            self._thread.start()

    def finish(self) -> None:
        """Waits for `begin`'s thread (at most the wait limit), then sends the requests once
        when the providers started."""
        with self._lock:
            thread, self._finished, finished = self._thread, True, self._finished
        if thread is None or finished:
            return
        began = time.perf_counter()
        thread.join(self._wait_limit)
        if thread.is_alive():
            LOG.warning(
                "warm-up still running after %.0f s: LocalStack is ready without it, and the "
                "first requests wait for what it still does",
                self._wait_limit,
            )
            return
        if self._started:
            self._run("requests", self._steps.exercise)
        LOG.debug("warm-up finished %.2f s before Ready", time.perf_counter() - began)

    def _prepare(self) -> None:
        self._steps.runtime_started()
        try:
            answers = self._steps.engine_answers()
        except Exception:
            answers = False
        if not answers:
            LOG.debug("warm-up skipped: the Docker engine does not answer")
            return
        started = time.perf_counter()
        self._started = self._run("provider start", self._steps.start_services)
        self._run("loads", self._steps.load)
        LOG.debug("warm-up's providers and loads took %.2f s", time.perf_counter() - started)

    @staticmethod
    def _run(name: str, step: Callable[[], None]) -> bool:
        try:
            step()
        except Exception:
            LOG.warning("warm-up (%s) failed; the first request loads it", name, exc_info=True)
            return False
        return True


# -- the steps in LocalStack ----------------------------------------------------------------------


def _served_services() -> tuple[str, ...]:
    from localstack import config

    from localstack_ssm_docker.activation import SERVICES, served_services

    served = served_services(config.SERVICE_PROVIDER_CONFIG)
    return tuple(s for s in SERVICES if s in served)


def _runtime_started() -> None:
    from localstack.runtime import events

    events.infra_starting.wait()


def _engine_answers() -> bool:
    from localstack_ssm_docker.engine.docker.probe import engine_answers

    return engine_answers()


def _start_services() -> None:
    from localstack.services.plugins import SERVICE_PLUGINS

    for service in _served_services():
        SERVICE_PLUGINS.require(service)


def _load(region: str) -> None:
    from localstack.aws.protocol.parser import create_parser
    from localstack.aws.protocol.serializer import create_serializer
    from localstack.aws.spec import get_service_catalog, load_service
    from moto.ec2.models import ec2_backends
    from moto.ssm.models import ssm_backends

    get_service_catalog()  # the index every first request reads to find its service
    for service in _served_services():
        model = load_service(service)
        create_parser(model)
        create_serializer(model)
    ec2_backends[DEFAULT_ACCOUNT][region].amis  # noqa: B018  (built on first access)
    ssm_backends[DEFAULT_ACCOUNT][region]
    if "ssm" in _served_services():
        from localstack_ssm_docker.ssm.integrations.notifications import has_event_rules

        # the first command's status notice looks for rules (EventBridge's store, loaded once)
        has_event_rules(DEFAULT_ACCOUNT, region)


READ_ONLY_REQUESTS: dict[str, tuple[tuple[str, dict[str, str], bytes], ...]] = {
    "ec2": (
        (
            "DescribeInstances",
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            b"Action=DescribeInstances&Version=2016-11-15",
        ),
    ),
    "ssm": tuple(
        (
            operation,
            {
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": f"AmazonSSM.{operation}",
            },
            b"{}",
        )
        for operation in ("DescribeInstanceInformation", "ListCommands", "ListDocuments")
    ),
}
"""What each served service is asked: reads of the default account's (empty) state, along the
paths the first launch, its DescribeInstanceInformation and the first SendCommand take."""


def _exercise(region: str) -> None:
    from localstack import config
    from localstack.aws.connect import INTERNAL_REQUEST_PARAMS_HEADER

    listen = config.GATEWAY_LISTEN[0]
    host = "127.0.0.1" if listen.host in ("0.0.0.0", "::", "") else listen.host
    for service in _served_services():
        for operation, headers, body in READ_ONLY_REQUESTS.get(service, ()):
            connection = http.client.HTTPConnection(
                host, listen.port, timeout=_REQUEST_TIMEOUT_SECONDS
            )
            try:
                connection.request(
                    "POST",
                    "/",
                    body=body,
                    headers={
                        **headers,
                        # logged as LocalStack's own calls are: not among the user's requests
                        INTERNAL_REQUEST_PARAMS_HEADER: "{}",
                        "Authorization": (
                            f"AWS4-HMAC-SHA256 Credential={DEFAULT_ACCOUNT}/20260101/{region}/"
                            f"{service}/aws4_request, SignedHeaders=host, Signature=0"
                        ),
                    },
                )
                response = connection.getresponse()
                response.read()
            finally:
                connection.close()
            if response.status != 200:
                LOG.debug("warm-up %s.%s answered %d", service, operation, response.status)


def _region() -> str:
    import os

    return os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


_WARM_UP = WarmUp(
    Steps(
        runtime_started=_runtime_started,
        engine_answers=_engine_answers,
        start_services=_start_services,
        load=lambda: _load(_region()),
        exercise=lambda: _exercise(_region()),
    )
)


def begin() -> None:
    """Starts the warm-up (once per process: the host-mode hook and the extension may both ask)."""
    _WARM_UP.begin()


def finish() -> None:
    """Before Ready: waits for the warm-up and sends its requests."""
    _WARM_UP.finish()
