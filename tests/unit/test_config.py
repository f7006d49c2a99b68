from localstack_ssm_docker.config import Settings, container_options
from localstack_ssm_docker.engine.docker.containers import dropped_capabilities
from localstack_ssm_docker.engine.values import (
    ContainerOptions,
)


def test_defaults():
    assert Settings.from_env({}) == Settings(
        workers=64,
        remove_containers=True,
        full_output_limit=16 * 1024 * 1024,
        container_options=ContainerOptions(pids_limit=4096),
        max_instances=256,
        ami_images={},
        boot_with_image_entrypoint=False,
    )


def test_values_from_environment():
    settings = Settings.from_env(
        {
            "SSM_DOCKER_WORKERS": "8",
            "EC2_REMOVE_CONTAINERS": "0",
            "SSM_DOCKER_FULL_OUTPUT_LIMIT": "1000",
            "EC2_DOCKER_NETWORK": "lab",
            "EC2_AMI_IMAGES": "ami-df5de72bdb3b=ubuntu:22.04, ami-024f768332f0=amazonlinux:2023",
            "EC2_BOOT_WITH_IMAGE_ENTRYPOINT": "true",
            "EC2_PIDS_LIMIT": "0",
            "EC2_MAX_INSTANCES": "3",
        }
    )
    assert (settings.workers, settings.remove_containers, settings.full_output_limit) == (
        8,
        False,
        1000,
    )
    assert settings.container_options == ContainerOptions(network="lab")
    assert settings.ami_images == {
        "ami-df5de72bdb3b": "ubuntu:22.04",
        "ami-024f768332f0": "amazonlinux:2023",
    }
    assert settings.boot_with_image_entrypoint
    assert settings.max_instances == 3


def test_docker_flags_as_localstack_parses_them():
    options = container_options(
        "--privileged -v /tmp/a:/mnt/a -e FOO=bar --add-host db:10.1.2.3 --dns 1.1.1.1 "
        "--ulimit nofile=1024:2048 -u 1000",
        None,
    )
    assert options == ContainerOptions(
        privileged=True,
        environment={"FOO": "bar"},
        volumes=["/tmp/a:/mnt/a"],
        extra_hosts={"db": "10.1.2.3"},
        dns=["1.1.1.1"],
        user="1000",
        ulimits=[("nofile", 1024, 2048)],
    )
    assert container_options("--network lab", None).network == "lab"


def test_the_resident_helper_and_the_warm_up_are_on_unless_turned_off():
    assert (Settings.from_env({}).resident_helpers, Settings.from_env({}).warm_up) == (True, True)
    changed = Settings.from_env({"SSM_DOCKER_RESIDENT_HELPER": "0", "SSM_DOCKER_WARM_UP": "0"})
    assert (changed.resident_helpers, changed.warm_up) == (False, False)
    assert Settings.from_env({"SSM_DOCKER_RESIDENT_HELPER": "1"}).resident_helpers


def test_instances_lose_net_raw_unless_ec2_allow_net_raw_is_set():
    assert not Settings.from_env({}).container_options.allow_net_raw
    for flags in ("", "--privileged"):
        allowed = Settings.from_env({"EC2_ALLOW_NET_RAW": "1", "EC2_DOCKER_FLAGS": flags})
        assert allowed.container_options.allow_net_raw
    assert dropped_capabilities(ContainerOptions()) == ["NET_RAW", "NET_ADMIN"]
    assert dropped_capabilities(ContainerOptions(allow_net_raw=True)) == ["NET_ADMIN"]
    assert dropped_capabilities(ContainerOptions(privileged=True)) == []


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


def test_autoscaling_settings_default_and_from_env():
    assert Settings.from_env({}).autoscaling_interval == 1.0
    assert Settings.from_env({}).autoscaling_retry_delay == 10.0
    settings = Settings.from_env(
        {"AUTOSCALING_RECONCILE_INTERVAL": "0.5", "AUTOSCALING_RETRY_DELAY": "2"}
    )
    assert (settings.autoscaling_interval, settings.autoscaling_retry_delay) == (0.5, 2.0)


def test_the_instance_resolver_is_on_unless_ec2_instance_resolver_is_0():
    assert Settings.from_env({}).instance_resolver is True
    assert Settings.from_env({"EC2_INSTANCE_RESOLVER": "1"}).instance_resolver is True
    assert Settings.from_env({"EC2_INSTANCE_RESOLVER": "0"}).instance_resolver is False
