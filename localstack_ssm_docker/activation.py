"""Makes this package's providers the ones LocalStack uses, unless the user chose others."""

from typing import TYPE_CHECKING

from localstack.config import ServiceProviderConfig

if TYPE_CHECKING:
    from localstack_ssm_docker.gateway.handlers import GatewayHandlers

PROVIDER_NAME = "docker"
SERVICES = ("ec2", "ssm")


def activate(provider_config: ServiceProviderConfig) -> None:
    """Selects the ``docker`` EC2 and SSM providers where no PROVIDER_OVERRIDE_* chose others."""
    for service in SERVICES:
        provider_config.set_provider_if_not_exists(service, PROVIDER_NAME)


def served_services(provider_config: ServiceProviderConfig) -> frozenset[str]:
    """The services whose provider is this package's."""
    return frozenset(s for s in SERVICES if provider_config.get_provider(s) == PROVIDER_NAME)


def gateway_handlers_in_localstack() -> "GatewayHandlers | None":
    """The gateway handlers for malformed requests to the services whose provider is ours in
    this LocalStack (None when none is)."""
    from localstack import config

    from localstack_ssm_docker.gateway.handlers import gateway_handlers

    services = served_services(config.SERVICE_PROVIDER_CONFIG)
    return gateway_handlers(services) if services else None


def activate_in_localstack() -> None:
    """Host mode (the on_infra_start hook): selects the providers and adds the gateway handlers
    for malformed requests to LocalStack's custom handler lists (idempotent). As an extension,
    SsmDockerExtension adds the same handlers through the extension API."""
    from localstack import config
    from localstack.aws import handlers

    from localstack_ssm_docker.gateway.handlers import install
    from localstack_ssm_docker.ssm.sessions.endpoint import install_route

    activate(config.SERVICE_PROVIDER_CONFIG)
    if "ssm" in served_services(config.SERVICE_PROVIDER_CONFIG):
        install_route()
    install(
        served_services(config.SERVICE_PROVIDER_CONFIG),
        handlers.serve_custom_service_request_handlers,
        handlers.run_custom_response_handlers,
        handlers.serve_custom_exception_handlers,
    )
