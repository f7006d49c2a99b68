"""AMIs made by CreateImage, as immutable records in one registry.

The rules this module keeps: an AMI goes `pending` -> `available` or `pending` -> `failed`, never
back; a name is held by one AMI of an account and region at a time (the check and the claim are
one step under the lock); a deregistered AMI's record is gone, and the Docker image a container
still uses waits among the deferred removals until nothing holds it.
"""

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

PENDING = "pending"
AVAILABLE = "available"
FAILED = "failed"

_NAME = re.compile(r"^[A-Za-z0-9()\[\] ./\-'@_]{3,128}$")


@dataclass(frozen=True)
class ImageRecord:
    """An AMI captured from an instance's container (changed by swapping in a new record)."""

    ami_id: str
    account_id: str
    region: str
    name: str
    description: str
    instance_id: str
    reference: str
    """The Docker image's tag, ``localstack-ec2/<name>:<ami-id>``."""
    created: str
    architecture: str
    root_device_name: str
    tags: tuple[tuple[str, str], ...] = ()
    snapshot_tags: tuple[tuple[str, str], ...] = ()
    state: str = PENDING
    state_reason: tuple[str, str] | None = None
    """(code, message) of a failed capture."""
    image_id: str = ""
    """The Docker image's id, once committed."""


@dataclass(frozen=True)
class RegistryState:
    """What survives a restart: the records and the removals still owed."""

    records: tuple[ImageRecord, ...]
    deferred: tuple[tuple[str, str], ...]
    """(tag, image id) of Docker images whose AMI is gone but a container still uses."""


class NameTaken(Exception):
    """Another AMI of the account and region holds the name."""

    def __init__(self, name: str, ami_id: str):
        super().__init__(name, ami_id)
        self.name = name
        self.ami_id = ami_id


def is_valid_name(name: str) -> bool:
    """AWS's rule for AMI names: 3 to 128 letters, digits, spaces and ( ) [ ] . / - ' @ _."""
    return bool(_NAME.match(name))


def repository_name(name: str) -> str:
    """The Docker repository part of an AMI's tag: the AMI name in Docker's grammar (lower
    case; runs of other characters become one dash), never empty."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return cleaned or "image"


class ImageRegistry:
    """The AMIs made by CreateImage, by AMI id, and the Docker images owed a removal."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, ImageRecord] = {}
        self._deferred: dict[str, str] = {}

    def claim(self, record: ImageRecord) -> None:
        """Adds the record; NameTaken when another AMI of its account and region has its name."""
        with self._lock:
            for other in self._records.values():
                if (other.account_id, other.region, other.name) == (
                    record.account_id,
                    record.region,
                    record.name,
                ):
                    raise NameTaken(record.name, other.ami_id)
            self._records[record.ami_id] = record

    def of(self, account_id: str, region: str) -> list[ImageRecord]:
        """The AMIs of an account and region."""
        with self._lock:
            return [
                r
                for r in self._records.values()
                if (r.account_id, r.region) == (account_id, region)
            ]

    def get(self, ami_id: str) -> ImageRecord | None:
        with self._lock:
            return self._records.get(ami_id)

    def finish(
        self, ami_id: str, image_id: str = "", reason: tuple[str, str] | None = None
    ) -> ImageRecord | None:
        """A pending AMI becomes available (with its Docker image's id) or, given a `reason`,
        failed; the new record, or None when it is no longer pending (deregistered meanwhile)."""

        def finished(record: ImageRecord) -> ImageRecord | None:
            if record.state != PENDING:
                return None
            if reason is not None:
                return replace(record, state=FAILED, state_reason=reason)
            return replace(record, state=AVAILABLE, image_id=image_id)

        return self._change(ami_id, finished)

    def describe(
        self, account_id: str, region: str, ami_id: str, description: str
    ) -> ImageRecord | None:
        """The AMI of the account and region with a new description; the new record, else None."""

        def described(record: ImageRecord) -> ImageRecord | None:
            if (record.account_id, record.region) != (account_id, region):
                return None
            return replace(record, description=description)

        return self._change(ami_id, described)

    def _change(
        self, ami_id: str, how: Callable[[ImageRecord], ImageRecord | None]
    ) -> ImageRecord | None:
        with self._lock:
            current = self._records.get(ami_id)
            if current is None:
                return None
            new = how(current)
            if new is not None:
                self._records[ami_id] = new
            return new

    def release(self, account_id: str, region: str, ami_id: str) -> ImageRecord | None:
        """Forgets the AMI when it is this account's and region's; its record, else None."""
        with self._lock:
            record = self._records.get(ami_id)
            if record is None or (record.account_id, record.region) != (account_id, region):
                return None
            return self._records.pop(ami_id)

    def defer_removal(self, reference: str, image_id: str) -> None:
        with self._lock:
            self._deferred[image_id] = reference

    def deferred(self) -> list[tuple[str, str]]:
        """(tag, image id) of the Docker images still owed a removal."""
        with self._lock:
            return [(reference, image_id) for image_id, reference in self._deferred.items()]

    def removed(self, image_id: str) -> None:
        with self._lock:
            self._deferred.pop(image_id, None)

    def state(self) -> RegistryState:
        with self._lock:
            return RegistryState(
                tuple(self._records.values()),
                tuple((reference, i) for i, reference in self._deferred.items()),
            )

    def restore(self, state: RegistryState, interrupted: tuple[str, str]) -> list[ImageRecord]:
        """Puts a saved state back; an AMI that was still pending failed with `interrupted`
        (its capture ended with the process). The records restored."""
        with self._lock:
            for record in state.records:
                if record.state == PENDING:
                    record = replace(record, state=FAILED, state_reason=interrupted)
                self._records[record.ami_id] = record
            for reference, image_id in state.deferred:
                self._deferred[image_id] = reference
            return list(self._records.values())
