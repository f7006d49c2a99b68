from importlib.metadata import entry_points

from localstack import config
from localstack.extensions.api import Extension
from plux import PluginSpec


def _entry_point(group: str, name: str):
    (found,) = [e for e in entry_points(group=group) if e.name == name]
    return found.load()


def test_provider_entry_points_are_plugin_specs():
    for name in ("ssm:docker", "ec2:docker"):
        spec = _entry_point("localstack.aws.provider", name)
        assert isinstance(spec, PluginSpec)
        assert spec.name == name


def test_extension_activates_the_providers_for_container_deployments():
    extension = _entry_point("localstack.extensions", "localstack-ssm-docker")
    assert issubclass(extension, Extension)
    extension().on_extension_load()
    assert config.SERVICE_PROVIDER_CONFIG.get_provider("ssm") == "docker"
    assert config.SERVICE_PROVIDER_CONFIG.get_provider("ec2") == "docker"


def test_infra_start_hook_is_registered():
    # its effect in a real host-mode LocalStack is tested in tests/integration/test_runtime.py
    hook = _entry_point("localstack.hooks.on_infra_start", "activate_ssm_docker_providers")
    assert callable(hook)


def test_infra_shutdown_hook_is_registered():
    # its effect (sessions end, the client is told) is tested in test_sessions.py
    hook = _entry_point("localstack.hooks.on_infra_shutdown", "end_ssm_sessions")
    assert callable(hook)


def test_infra_ready_hooks_are_registered():
    # the warm-up's effect (providers started before Ready) is measured by benchmarks/cold_start.py
    # and tested in tests/integration/test_runtime.py
    for name in ("finish_warm_up", "bring_back_kept_instances"):
        assert callable(_entry_point("localstack.hooks.on_infra_ready", name))
