"""Task containers' labels: theirs alone, so instance inventories never see them, and orphans
of an ended LocalStack process found as instance containers' are."""

from localstack_ssm_docker.engine.docker.labels import (
    LABEL_KEPT,
    LABEL_OWNER,
    LABEL_PROCESS,
    LABEL_RUN_ID,
    LABEL_TASK_OWNER,
    is_orphan,
)
from localstack_ssm_docker.engine.docker.tasks import task_labels


def test_a_task_container_carries_the_task_owner_label_and_never_the_instance_owner_label():
    labels = task_labels({"x": "1"}, "run1", "owner1", "b/ns/42/7")

    assert labels == {
        "x": "1",
        LABEL_TASK_OWNER: "owner1",
        LABEL_RUN_ID: "run1",
        LABEL_PROCESS: "b/ns/42/7",
        LABEL_KEPT: "0",
    }
    assert LABEL_OWNER not in labels


def test_a_task_container_of_another_owners_ended_process_is_an_orphan_by_its_task_label():
    def gone(process: str) -> bool:
        return process == "dead"

    left = task_labels({}, "run1", "other", "dead")

    assert is_orphan(left, "me", gone, LABEL_TASK_OWNER)
    assert not is_orphan(left, "me", gone)  # not an instance container
    assert not is_orphan(task_labels({}, "run1", "other", "alive"), "me", gone, LABEL_TASK_OWNER)
    assert not is_orphan(task_labels({}, "run1", "me", "dead"), "me", gone, LABEL_TASK_OWNER)
