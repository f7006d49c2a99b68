from localstack_ssm_docker.engine.docker.labels import (
    LABEL_BOOT,
    LABEL_KEPT,
    LABEL_OWNER,
    LABEL_PROCESS,
    LABEL_RUN_ID,
    boots_itself,
    instance_id_of,
    is_orphan,
    is_owned_by,
    owner_filter,
    ownership_labels,
)


def test_ownership_labels_add_run_owner_process_and_keeping_to_the_instance_labels():
    labels = ownership_labels(
        {"localstack-ssm-docker.instance-id": "i-1"}, "run1", "owner1", "b/ns/42/7", kept=True
    )
    assert labels == {
        "localstack-ssm-docker.instance-id": "i-1",
        LABEL_RUN_ID: "run1",
        LABEL_OWNER: "owner1",
        LABEL_PROCESS: "b/ns/42/7",
        LABEL_KEPT: "1",
    }


def test_only_another_owners_unkept_container_of_a_gone_process_is_an_orphan():
    def gone(process: str) -> bool:
        return process == "dead"

    def orphan(**labels: str) -> bool:
        return is_orphan(labels, "me", gone)

    left = {LABEL_OWNER: "other", LABEL_PROCESS: "dead", LABEL_KEPT: "0"}
    assert is_orphan(left, "me", gone)
    assert not is_orphan({**left, LABEL_PROCESS: "alive"}, "me", gone)  # a live LocalStack's
    assert not is_orphan({**left, LABEL_KEPT: "1"}, "me", gone)  # its owner comes back for it
    assert not is_orphan({**left, LABEL_OWNER: "me"}, "me", gone)  # ours: recovery decides
    assert not is_orphan({LABEL_OWNER: "other"}, "me", gone)  # labelled before processes were
    assert not is_orphan(None, "me", gone)


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
