"""Entry points only: provider factories, the activation hook and the LocalStack extension."""

import functools
from typing import TYPE_CHECKING

from localstack.extensions.api import Extension, http
from localstack.extensions.api.aws import (
    CompositeExceptionHandler,
    CompositeHandler,
    CompositeResponseHandler,
)
from localstack.runtime.hooks import on_infra_ready, on_infra_shutdown, on_infra_start
from localstack.services.plugins import Service, aws_provider

from localstack_ssm_docker.activation import PROVIDER_NAME

if TYPE_CHECKING:
    from localstack_ssm_docker.gateway.handlers import GatewayHandlers, ServiceHandler


@aws_provider(api="ec2", name=PROVIDER_NAME)
def ec2_docker() -> Service:
    """LocalStack's EC2 with a Docker container behind every instance."""
    from localstack_ssm_docker import wiring
    from localstack_ssm_docker.ec2.provider import Ec2DockerProvider
    from localstack_ssm_docker.handler_groups import dispatch_table

    provider = Ec2DockerProvider(
        wiring.docker_engine(),
        wiring.instance_manager(),
        wiring.instance_lifecycle(),
        wiring.settings().max_instances,
        events=wiring.instance_events(),
        metadata=wiring.metadata_service(),
        images=wiring.image_service(),
    )
    return Service.for_provider(provider, dispatch_table_factory=lambda _: dispatch_table(provider))


@aws_provider(api="ssm", name=PROVIDER_NAME)
def ssm_docker() -> Service:
    """LocalStack's SSM with Run Command executing in the instances' containers."""
    from localstack_ssm_docker import wiring
    from localstack_ssm_docker.handler_groups import dispatch_table
    from localstack_ssm_docker.ssm.api.provider import SsmDockerProvider
    from localstack_ssm_docker.ssm.integrations.notifications import LocalStackNotifier
    from localstack_ssm_docker.ssm.integrations.output_sink import LocalStackOutputSink
    from localstack_ssm_docker.ssm.integrations.parameter_store import lookup_parameters
    from localstack_ssm_docker.ssm.run.executor import CommandExecutor
    from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory

    engine = wiring.docker_engine()
    settings = wiring.settings()
    executor = CommandExecutor(
        engine,
        workers=settings.workers,
        parameter_lookup=lookup_parameters,
        output_sink=LocalStackOutputSink(),
        observer=LocalStackNotifier(),
        full_output_limit=settings.full_output_limit,
    )
    from localstack import config

    ours = config.SERVICE_PROVIDER_CONFIG.get_provider("ec2") == PROVIDER_NAME
    provider = SsmDockerProvider(
        InstanceDirectory(engine, wiring.ec2_directory(serves_ec2=ours), adopt_foreign=not ours),
        executor,
        state=wiring.state_directory(),
        events=wiring.instance_events(),
    )
    return Service.for_provider(provider, dispatch_table_factory=lambda _: dispatch_table(provider))


@aws_provider(api="ec2-instance-connect", name=PROVIDER_NAME)
def ec2_instance_connect_docker() -> Service:
    """EC2 Instance Connect (LocalStack has none): keys pushed to Docker-backed instances."""
    from localstack_ssm_docker import wiring
    from localstack_ssm_docker.instance_connect.provider import InstanceConnectProvider

    return Service.for_provider(InstanceConnectProvider(wiring.instance_connect_keys()))


@aws_provider(api="autoscaling", name=PROVIDER_NAME)
def autoscaling_docker() -> Service:
    """Auto Scaling groups whose instances are this package's Docker-backed EC2 instances."""
    from localstack_ssm_docker import wiring
    from localstack_ssm_docker.autoscaling.ec2_access import LocalStackEc2
    from localstack_ssm_docker.autoscaling.events_access import LocalStackEvents
    from localstack_ssm_docker.autoscaling.provider import AutoScalingProvider
    from localstack_ssm_docker.handler_groups import own_dispatch_table

    settings = wiring.settings()
    provider = AutoScalingProvider(
        LocalStackEc2(wiring.docker_engine()),
        interval=settings.autoscaling_interval,
        retry_delay=settings.autoscaling_retry_delay,
        before_start=wiring.instance_lifecycle().start,
        state=wiring.state_directory(),
        events=LocalStackEvents(),
    )
    return Service.for_provider(
        provider, dispatch_table_factory=lambda _: own_dispatch_table(provider)
    )


@on_infra_start()
def activate_ssm_docker_providers() -> None:
    """Host-mode activation: installing the package is enough."""
    from localstack_ssm_docker import wiring
    from localstack_ssm_docker.activation import activate_in_localstack

    activate_in_localstack()
    wiring.check_engine_in_background()
    _warm_up()


@on_infra_ready(priority=1)
def finish_warm_up() -> None:
    """Before LocalStack prints Ready (and before the kept instances and the user's ready
    scripts): the warm-up is done, so the first request finds the providers started."""
    from localstack_ssm_docker import wiring
    from localstack_ssm_docker.warm_up import finish

    if wiring.settings().warm_up:
        finish()


@on_infra_shutdown()
def end_ssm_sessions() -> None:
    """LocalStack stops: every Session Manager session ends and its client is told."""
    import sys

    runtime = sys.modules.get("localstack_ssm_docker.ssm.sessions.runtime")
    if runtime is not None:  # sessions were used in this process
        runtime.session_manager().shutdown()


@on_infra_ready()
def bring_back_kept_instances() -> None:
    """With PERSISTENCE=1, EC2 loads at start: kept instances get their metadata service back
    without waiting for the first EC2 request; Auto Scaling too: kept groups are kept at their
    capacity without waiting for the first Auto Scaling request."""
    from localstack import config

    if config.PERSISTENCE and config.SERVICE_PROVIDER_CONFIG.get_provider("ec2") == PROVIDER_NAME:
        from localstack.services.plugins import SERVICE_PLUGINS

        SERVICE_PLUGINS.require("ec2")
        if config.SERVICE_PROVIDER_CONFIG.get_provider("autoscaling") == PROVIDER_NAME:
            SERVICE_PLUGINS.require("autoscaling")


class SsmDockerExtension(Extension):
    """For ``localstack extensions install``: activates the same providers, and hands LocalStack
    the same routes and gateway handlers as the host-mode hook, through the extension API (what
    both offer is added once)."""

    name = "localstack-ssm-docker"

    def on_extension_load(self) -> None:
        from localstack import config

        from localstack_ssm_docker import wiring
        from localstack_ssm_docker.activation import activate
        from localstack_ssm_docker.cloudformation.precedence import prefer_our_resource_providers

        activate(config.SERVICE_PROVIDER_CONFIG)
        prefer_our_resource_providers()
        wiring.check_engine_in_background()
        _warm_up()

    def update_gateway_routes(self, router: http.Router[http.RouteHandler]) -> None:
        from localstack_ssm_docker.activation import add_routes

        add_routes(router)

    def update_request_handlers(self, handlers: CompositeHandler) -> None:
        if ours := self._gateway_handlers:
            _add_once(handlers, ours.request)

    def update_response_handlers(self, handlers: CompositeResponseHandler) -> None:
        if ours := self._gateway_handlers:
            _add_once(handlers, ours.response)

    def update_exception_handlers(self, handlers: CompositeExceptionHandler) -> None:
        if ours := self._gateway_handlers:
            _add_once(handlers, ours.exception)

    @functools.cached_property
    def _gateway_handlers(self) -> "GatewayHandlers | None":
        """The same three handler objects for the three lists; None when no service is ours."""
        from localstack_ssm_docker.activation import gateway_handlers_in_localstack

        return gateway_handlers_in_localstack()


def _warm_up() -> None:
    """Starts the providers and loads what the first request needs while LocalStack starts
    (SSM_DOCKER_WARM_UP, on by default; see warm_up)."""
    from localstack_ssm_docker import wiring
    from localstack_ssm_docker.warm_up import begin

    if wiring.settings().warm_up:
        begin()


def _add_once(
    handlers: CompositeHandler | CompositeExceptionHandler, handler: "ServiceHandler"
) -> None:
    from localstack_ssm_docker.gateway.handlers import add_once

    add_once(handlers, handler)
