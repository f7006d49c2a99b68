"""Makes this package's providers the ones LocalStack uses, unless the user chose others."""

from localstack.config import ServiceProviderConfig

PROVIDER_NAME = "docker"
SERVICES = ("ec2", "ssm")


def activate(provider_config: ServiceProviderConfig) -> None:
    """Selects the ``docker`` EC2 and SSM providers where no PROVIDER_OVERRIDE_* chose others."""
    for service in SERVICES:
        provider_config.set_provider_if_not_exists(service, PROVIDER_NAME)


def served_services(provider_config: ServiceProviderConfig) -> frozenset[str]:
    """The services whose provider is this package's."""
    return frozenset(s for s in SERVICES if provider_config.get_provider(s) == PROVIDER_NAME)


def activate_in_localstack() -> None:
    """Selects the providers and adds the gateway handlers for malformed requests (idempotent)."""
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
