"""The labels and names by which this extension recognises its containers and images on a Docker
engine that other programs (and other LocalStacks) share.

Pure: what the labels are and how to read them; the calls that filter on them live in
:mod:`.containers`, :mod:`.inventory` and :mod:`.images`.
"""

import re
from collections.abc import Callable, Mapping

LABEL_RUN_ID = "localstack-ssm-docker.run-id"
"""The LocalStack run (process) that started the container."""
LABEL_OWNER = "localstack-ssm-docker.owner"
"""The LocalStack (data folder and gateway, stable across its restarts) that owns the container."""
LABEL_PROCESS = "localstack-ssm-docker.process"
"""The process that started the container (see :mod:`..process_identity`): once it is gone,
the container is an orphan any other LocalStack on the engine may remove (unless kept)."""
LABEL_KEPT = "localstack-ssm-docker.kept"
"""``1`` when its LocalStack keeps the container after it stops (PERSISTENCE, or
EC2_REMOVE_CONTAINERS=0): only that LocalStack (its owner) decides about it."""
LABEL_TASK_OWNER = "localstack-ssm-docker.task-owner"
"""On a task container (an Automation script's, see :mod:`.tasks`) in LABEL_OWNER's place: the
LocalStack that started it. A label of its own, so that nothing taking instance containers by
their owner label (the inventory, instance recovery) ever sees a task's."""
LABEL_BOOT = "localstack-ssm-docker.boot"
"""On an image: ``image`` when its own entrypoint must boot it (systemd, say)."""
BOOT_WITH_IMAGE_ENTRYPOINT = "image"
LABEL_BOOT_HOOK = "localstack-ssm-docker.boot-hook"
"""On an image: the path of an executable in it that instances run at every boot, before user
data (cloud-init's part in an AMI: host keys, the key pair's key, sshd)."""

_INSTANCE_NAME = re.compile(r"^localstack-ec2\.(i-[0-9a-zA-Z]+)$")


def ownership_labels(
    labels: Mapping[str, str], run_id: str, owner: str, process: str = "", kept: bool = False
) -> dict[str, str]:
    """The container's labels plus the run, owner and process that started it, and whether its
    owner keeps it after it stops."""
    return {
        **labels,
        LABEL_RUN_ID: run_id,
        LABEL_OWNER: owner,
        LABEL_PROCESS: process,
        LABEL_KEPT: "1" if kept else "0",
    }


def is_orphan(
    labels: Mapping[str, str] | None,
    owner: str,
    gone: Callable[[str], bool],
    owner_label: str = LABEL_OWNER,
) -> bool:
    """Whether a container with these labels is another LocalStack's that its process left
    behind without meaning to keep it (`gone(process)`: that process certainly ended); the
    owner is read from `owner_label` (LABEL_TASK_OWNER for task containers)."""
    labels = labels or {}
    if owner_label not in labels or labels[owner_label] == owner:
        return False
    if labels.get(LABEL_KEPT) != "0" or not labels.get(LABEL_PROCESS):
        return False
    return gone(labels[LABEL_PROCESS])


def owner_filter(owner: str) -> str:
    """The Docker label filter that selects the owner's containers."""
    return f"{LABEL_OWNER}={owner}"


def is_owned_by(labels: Mapping[str, str] | None, owner: str) -> bool:
    """Whether a container with these labels belongs to `owner`."""
    return (labels or {}).get(LABEL_OWNER) == owner


def instance_id_of(container_name: str) -> str | None:
    """The instance id in a container name ``localstack-ec2.<instance-id>`` (Docker's leading
    slash allowed), or None for any other name."""
    match = _INSTANCE_NAME.match(container_name.lstrip("/"))
    return match[1] if match else None


def boots_itself(image: Mapping) -> bool:
    """Whether an image (as Docker lists or inspects it) is labelled to boot with its own
    entrypoint."""
    return image_labels(image).get(LABEL_BOOT) == BOOT_WITH_IMAGE_ENTRYPOINT


def boot_hook(image: Mapping) -> str:
    """The image's boot hook (an absolute path in it), or "" when it has none."""
    hook = image_labels(image).get(LABEL_BOOT_HOOK, "").strip()
    return hook if hook.startswith("/") else ""


def image_labels(image: Mapping) -> Mapping[str, str]:
    """The labels of an image as Docker lists it or inspects it."""
    return image.get("Labels") or (image.get("Config") or {}).get("Labels") or {}
