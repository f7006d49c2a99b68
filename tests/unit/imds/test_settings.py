from localstack_ssm_docker.config import Settings


def test_imds_settings_defaults():
    settings = Settings.from_env({})
    assert settings.imds is True
    assert settings.imds_responder_image == "localstack-ec2/busybox:ami-0b5b0b5b0b5b0b5b0"
    assert settings.imds_fallback_host is None and settings.instance_endpoint_url is None


def test_imds_settings_from_env():
    settings = Settings.from_env(
        {
            "EC2_IMDS": "0",
            "EC2_IMDS_RESPONDER_IMAGE": "busybox:1.36",
            "EC2_IMDS_FALLBACK_HOST": "10.0.0.1",
            "EC2_INSTANCE_ENDPOINT_URL": "http://ls:4566",
        }
    )
    assert settings.imds is False
    assert settings.imds_responder_image == "busybox:1.36"
    assert settings.imds_fallback_host == "10.0.0.1"
    assert settings.instance_endpoint_url == "http://ls:4566"
