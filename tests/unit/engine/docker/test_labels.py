from localstack_ssm_docker.engine.docker.labels import (
    LABEL_BOOT,
    LABEL_OWNER,
    LABEL_RUN_ID,
    boots_itself,
    instance_id_of,
    is_owned_by,
    owner_filter,
    ownership_labels,
)


def test_ownership_labels_add_run_and_owner_to_the_instance_labels():
    labels = ownership_labels({"localstack-ssm-docker.instance-id": "i-1"}, "run1", "owner1")
    assert labels == {
        "localstack-ssm-docker.instance-id": "i-1",
        LABEL_RUN_ID: "run1",
        LABEL_OWNER: "owner1",
    }


def test_owner_filter_selects_the_owner_label():
    assert owner_filter("abc") == f"{LABEL_OWNER}=abc"


def test_ownership_is_read_from_the_owner_label():
    assert is_owned_by({LABEL_OWNER: "me"}, "me")
    assert not is_owned_by({LABEL_OWNER: "other"}, "me")
    assert not is_owned_by(None, "me")


def test_instance_ids_come_from_instance_container_names_only():
    assert instance_id_of("/localstack-ec2.i-0abc123") == "i-0abc123"
    assert instance_id_of("localstack-ec2.i-0abc123") == "i-0abc123"
    assert instance_id_of("/localstack-ec2.i-0abc123-sidecar") is None
    assert instance_id_of("/localstack-ec2.vpc-1") is None
    assert instance_id_of("/localstack-main") is None


def test_boot_label_is_read_from_a_listed_or_an_inspected_image():
    assert boots_itself({"Labels": {LABEL_BOOT: "image"}})
    assert boots_itself({"Config": {"Labels": {LABEL_BOOT: "image"}}})
    assert not boots_itself({"Labels": {LABEL_BOOT: "sleep"}})
    assert not boots_itself({"Labels": None, "Config": {"Labels": None}})
