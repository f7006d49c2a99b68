from localstack_ssm_docker.config import Settings


def test_defaults():
    assert Settings.from_env({}) == Settings(workers=64, remove_containers=True)


def test_values_from_environment():
    settings = Settings.from_env({"SSM_DOCKER_WORKERS": "8", "EC2_REMOVE_CONTAINERS": "0"})
    assert settings == Settings(workers=8, remove_containers=False)
