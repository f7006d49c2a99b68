from localstack_ssm_docker.engine.docker.images import ami_image, parse_ami_tag
from localstack_ssm_docker.engine.docker.labels import LABEL_BOOT, LABEL_BOOT_HOOK
from localstack_ssm_docker.engine.values import AmiImage


def test_ami_tags_name_the_image_and_the_ami():
    assert parse_ami_tag("localstack-ec2/ubuntu-22.04:ami-0abc12") == ("ubuntu-22.04", "ami-0abc12")


def test_other_tags_are_not_amis():
    assert parse_ami_tag("ubuntu:22.04") is None
    assert parse_ami_tag("localstack-ec2/ubuntu:latest") is None
    assert parse_ami_tag("localstack-ec2/ubuntu:ami-ABC") is None
    assert parse_ami_tag("registry/localstack-ec2/ubuntu:ami-1") is None


def test_an_ami_image_carries_creation_time_and_boot_label():
    image = {"Created": 1700000000, "Labels": {LABEL_BOOT: "image"}}
    assert ami_image("ami-1", "systemd", "localstack-ec2/systemd:ami-1", image) == AmiImage(
        ami_id="ami-1",
        name="systemd",
        tag="localstack-ec2/systemd:ami-1",
        created="1700000000",
        boots_itself=True,
    )


def test_an_ami_image_without_labels_is_kept_alive():
    assert not ami_image("ami-1", "alpine", "alpine:3", {}).boots_itself


def test_an_ami_image_names_its_boot_hook_by_label():
    image = {"Config": {"Labels": {LABEL_BOOT_HOOK: "/usr/local/sbin/boot"}}}
    assert ami_image("ami-1", "debian", "localstack-ec2/debian:ami-1", image).boot_hook == (
        "/usr/local/sbin/boot"
    )


def test_a_boot_hook_that_is_not_an_absolute_path_is_no_boot_hook():
    image = {"Labels": {LABEL_BOOT_HOOK: "boot.sh"}}
    assert ami_image("ami-1", "debian", "localstack-ec2/debian:ami-1", image).boot_hook == ""
    assert ami_image("ami-1", "alpine", "alpine:3", {}).boot_hook == ""
