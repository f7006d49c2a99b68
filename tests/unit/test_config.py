from localstack_ssm_docker.config import Settings


def test_defaults():
    assert Settings.from_env({}) == Settings(
        workers=64, remove_containers=True, full_output_limit=16 * 1024 * 1024
    )


def test_values_from_environment():
    settings = Settings.from_env(
        {
            "SSM_DOCKER_WORKERS": "8",
            "EC2_REMOVE_CONTAINERS": "0",
            "SSM_DOCKER_FULL_OUTPUT_LIMIT": "1000",
        }
    )
    assert settings == Settings(workers=8, remove_containers=False, full_output_limit=1000)
