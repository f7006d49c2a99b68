"""Makes this package's providers the ones LocalStack uses, unless the user chose others, and
registers what they need in LocalStack's gateway: the data channel's route and the handlers for
malformed requests. Host mode (the on_infra_start hook, `register`) and the `Extension` (its
update_* methods) must end with the same registrations: both add the routes through
`add_routes`, and the gateway handlers of the same served services."""

from typing import TYPE_CHECKING

from localstack.config import ServiceProviderConfig

if TYPE_CHECKING:
    from localstack.aws.chain import (
        CompositeExceptionHandler,
        CompositeHandler,
        CompositeResponseHandler,
    )
    from localstack.http import Router

    from localstack_ssm_docker.gateway.handlers import GatewayHandlers

PROVIDER_NAME = "docker"
SERVICES = ("ec2", "ssm", "autoscaling")
NEW_SERVICES = ("ec2-instance-connect",)
"""Services LocalStack has no provider for: ours answer them (they check their own requests)."""


def activate(provider_config: ServiceProviderConfig) -> None:
    """Selects the ``docker`` EC2, SSM, Auto Scaling and EC2 Instance Connect providers where no
    PROVIDER_OVERRIDE_* chose others."""
    for service in (*SERVICES, *NEW_SERVICES):
        provider_config.set_provider_if_not_exists(service, PROVIDER_NAME)


def served_services(provider_config: ServiceProviderConfig) -> frozenset[str]:
    """The services whose provider is this package's."""
    return frozenset(s for s in SERVICES if provider_config.get_provider(s) == PROVIDER_NAME)


def register_event_targets(provider_config: ServiceProviderConfig) -> None:
    """EventBridge targets of SSM (Run Command, Automation) delivered by our SSM when it is
    ours; registered at start, before any PutTargets can make LocalStack's own sender."""
    if "ssm" in served_services(provider_config):
        from localstack_ssm_docker.ssm.integrations.eventbridge_targets import register

        register()


def gateway_handlers_in_localstack() -> "GatewayHandlers | None":
    """The gateway handlers for malformed requests to the services whose provider is ours in
    this LocalStack (None when none is)."""
    from localstack import config

    from localstack_ssm_docker.gateway.handlers import gateway_handlers

    services = served_services(config.SERVICE_PROVIDER_CONFIG)
    return gateway_handlers(services) if services else None


def add_routes(router: "Router") -> None:
    """The routes of the services whose provider is ours in this LocalStack, on `router`
    (idempotent): Session Manager's data channel when SSM is ours."""
    from localstack import config

    from localstack_ssm_docker.ssm.sessions.endpoint import install_route

    if "ssm" in served_services(config.SERVICE_PROVIDER_CONFIG):
        install_route(router)


def register(
    router: "Router",
    request_handlers: "CompositeHandler",
    response_handlers: "CompositeResponseHandler",
    exception_handlers: "CompositeExceptionHandler",
) -> None:
    """Host mode's registrations in a gateway: the routes, and the gateway handlers for malformed
    requests added to its custom handler lists (idempotent)."""
    from localstack import config

    from localstack_ssm_docker.gateway.handlers import install

    add_routes(router)
    install(
        served_services(config.SERVICE_PROVIDER_CONFIG),
        request_handlers,
        response_handlers,
        exception_handlers,
    )


def activate_in_localstack() -> None:
    """Host mode (the on_infra_start hook): selects the providers and registers in LocalStack's
    own gateway router and custom handler lists. As an extension, SsmDockerExtension registers
    the same through the extension API."""
    from localstack import config
    from localstack.aws import handlers
    from localstack.services.edge import ROUTER

    from localstack_ssm_docker.cloudformation.precedence import prefer_our_resource_providers

    activate(config.SERVICE_PROVIDER_CONFIG)
    prefer_our_resource_providers()
    register_event_targets(config.SERVICE_PROVIDER_CONFIG)
    register(
        ROUTER,
        handlers.serve_custom_service_request_handlers,
        handlers.run_custom_response_handlers,
        handlers.serve_custom_exception_handlers,
    )
