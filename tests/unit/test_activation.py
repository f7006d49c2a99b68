from localstack.config import ServiceProviderConfig

from localstack_ssm_docker.activation import activate


def test_activation_selects_docker_providers():
    config = ServiceProviderConfig("default")
    activate(config)
    assert (config.get_provider("ec2"), config.get_provider("ssm")) == ("docker", "docker")
    assert config.get_provider("s3") == "default"


def test_user_override_wins():
    config = ServiceProviderConfig("default")
    config.load_from_environment({"PROVIDER_OVERRIDE_SSM": "default"})
    activate(config)
    assert (config.get_provider("ec2"), config.get_provider("ssm")) == ("docker", "default")
