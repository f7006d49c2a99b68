"""Entry points only: provider factories, the activation hook and the LocalStack extension."""

from localstack.extensions.api import Extension
from localstack.runtime.hooks import on_infra_ready, on_infra_start
from localstack.services.plugins import Service, aws_provider

from localstack_ssm_docker.activation import PROVIDER_NAME


@aws_provider(api="ec2", name=PROVIDER_NAME)
def ec2_docker() -> Service:
    """LocalStack's EC2 with a Docker container behind every instance."""
    from localstack.services.moto import MotoFallbackDispatcher

    from localstack_ssm_docker import wiring
    from localstack_ssm_docker.ec2.provider import Ec2DockerProvider

    provider = Ec2DockerProvider(
        wiring.docker_engine(),
        wiring.instance_manager(),
        wiring.settings().max_instances,
        metadata=wiring.metadata_service(),
    )
    return Service.for_provider(provider, dispatch_table_factory=MotoFallbackDispatcher)


@aws_provider(api="ssm", name=PROVIDER_NAME)
def ssm_docker() -> Service:
    """LocalStack's SSM with Run Command executing in the instances' containers."""
    from localstack.services.moto import MotoFallbackDispatcher

    from localstack_ssm_docker import wiring
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
        InstanceDirectory(engine, adopt_foreign=not ours),
        executor,
        instance_manager=wiring.instance_manager() if ours else None,
        state=wiring.state_directory(),
    )
    return Service.for_provider(provider, dispatch_table_factory=MotoFallbackDispatcher)


@on_infra_start()
def activate_ssm_docker_providers() -> None:
    """Host-mode activation: installing the package is enough."""
    from localstack_ssm_docker.activation import activate_in_localstack

    activate_in_localstack()


@on_infra_ready()
def bring_back_kept_instances() -> None:
    """With PERSISTENCE=1, EC2 loads at start: kept instances get their metadata service back
    without waiting for the first EC2 request."""
    from localstack import config

    if config.PERSISTENCE and config.SERVICE_PROVIDER_CONFIG.get_provider("ec2") == PROVIDER_NAME:
        from localstack.services.plugins import SERVICE_PLUGINS

        SERVICE_PLUGINS.require("ec2")


class SsmDockerExtension(Extension):
    """For ``localstack extensions install``: activates the same providers and handlers."""

    name = "localstack-ssm-docker"

    def on_extension_load(self) -> None:
        from localstack_ssm_docker.activation import activate_in_localstack

        activate_in_localstack()
