"""Loading what the first EC2 and SSM requests need, in the background while LocalStack starts.

LocalStack loads a service's provider on its first request: without this, the first RunInstances
pays about two seconds (on 2 cores) for reading LocalStack's service catalog, importing moto's EC2
and LocalStack's EC2 and SSM providers, reading their service specs and building moto's EC2
backend with its AMI list. A daemon thread started with the runtime does that work instead, once
LocalStack is ready (started earlier, it competes with LocalStack's own start for the interpreter
and makes Ready later); a request that comes before it is done waits on the same import locks
rather than doing the work twice.

Only idempotent, shareable work happens here: imports, spec and parser caches, moto's backend for
the default account and region. The providers themselves (our singletons) are built by
LocalStack on the first request, so there is never a second copy of them.
"""

import functools
import importlib
import logging
import os
import threading
import time

from localstack_ssm_docker.activation import SERVICES

LOG = logging.getLogger(__name__)

DEFAULT_ACCOUNT = "000000000000"


def _load_services(services: tuple[str, ...]) -> None:
    from localstack.aws.protocol.parser import create_parser
    from localstack.aws.protocol.serializer import create_serializer
    from localstack.aws.spec import get_service_catalog, load_service

    get_service_catalog()  # the index every first request reads to find its service
    for service in services:
        model = load_service(service)
        create_parser(model)
        create_serializer(model)


_PROVIDER_MODULES = (
    "localstack.services.ec2.provider",
    "localstack.services.ssm.provider",
    "localstack.services.moto",
    "localstack_ssm_docker.ec2.provider",
    "localstack_ssm_docker.ssm.api.provider",
    "localstack_ssm_docker.ssm.run.executor",
)


def _load_providers() -> None:
    for name in _PROVIDER_MODULES:
        importlib.import_module(name)


def _build_backends(region: str) -> None:
    from moto.ec2.models import ec2_backends
    from moto.ssm.models import ssm_backends

    ec2_backends[DEFAULT_ACCOUNT][region].amis  # noqa: B018  (built on first access)
    ssm_backends[DEFAULT_ACCOUNT][region]


def warm_up(region: str) -> None:
    """Does the work of the first EC2 and SSM requests that can be shared (see the module), once
    LocalStack is ready."""
    from localstack.runtime import events

    events.infra_ready.wait()
    started = time.perf_counter()
    try:
        _load_services(SERVICES)
        _load_providers()
        _build_backends(region)
    except Exception:
        LOG.warning("warm-up failed; the first request loads what it needs", exc_info=True)
        return
    LOG.debug("warm-up done in %.2f s", time.perf_counter() - started)


@functools.cache
def start_warm_up() -> threading.Thread:
    """Runs warm_up on a daemon thread, once per process (the host-mode hook and the extension
    may both ask), for the default region."""
    region = os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    thread = threading.Thread(
        target=warm_up, args=(region,), name="ssm-docker-warm-up", daemon=True
    )
    thread.start()
    return thread
