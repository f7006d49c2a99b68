"""Makes this package's providers the ones LocalStack uses, unless the user chose others."""

from localstack.config import ServiceProviderConfig

PROVIDER_NAME = "docker"
SERVICES = ("ec2", "ssm")


def activate(provider_config: ServiceProviderConfig) -> None:
    """Selects the ``docker`` EC2 and SSM providers where no PROVIDER_OVERRIDE_* chose others."""
    for service in SERVICES:
        provider_config.set_provider_if_not_exists(service, PROVIDER_NAME)
