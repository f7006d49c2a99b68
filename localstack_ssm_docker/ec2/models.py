"""Docker-backed instances, per account and region, in a LocalStack store.

The rule this module keeps: a record is immutable, and every change to the store (a record put,
swapped for a changed copy, or removed) and every read of more than one record happens here,
under the one lock of the store. Request threads (launch, stop, terminate), the reboot workers
and the metadata service's refresher thread may then act at once without any of them seeing a
dictionary change size under it, or one of them writing back a record another has changed
meanwhile.
"""

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute

RUNNING = "running"
STOPPED = "stopped"


@dataclass(frozen=True)
class InstanceRecord:
    """An EC2 instance and the container behind it (changed by swapping in a new record)."""

    instance_id: str
    ami_id: str
    image: str
    container_id: str
    ip_address: str
    computer_name: str
    launched_at: float
    state: str = RUNNING
    rebooting: bool = False
    os_release: dict[str, str] = field(default_factory=dict)
    public_key: str | None = None
    """The key pair's public key (OpenSSH line) the instance was launched with, if any."""


class InstanceStore(BaseStore):
    """The Docker-backed instances of one account and region, by instance id."""

    # LocalAttribute is an untyped descriptor that yields the annotated value per store
    instances: dict[str, InstanceRecord] = LocalAttribute(default=dict)  # type: ignore[assignment]


instance_stores: AccountRegionBundle[InstanceStore] = AccountRegionBundle("ec2", InstanceStore)

_lock = threading.RLock()

type Change = Callable[[InstanceRecord], InstanceRecord | None]
"""The record as it is now -> its replacement (None: leave it as it is)."""


def records(account_id: str, region: str) -> list[InstanceRecord]:
    """The instances of an account and region, in launch order."""
    with _lock:
        return list(instance_stores[account_id][region].instances.values())


def every_record() -> list[tuple[str, str, InstanceRecord]]:
    """(account id, region, record) of every instance."""
    with _lock:
        return [
            (account_id, region, record)
            for account_id, regions in list(instance_stores.items())
            for region, store in list(regions.items())
            for record in store.instances.values()
        ]


def get(account_id: str, region: str, instance_id: str) -> InstanceRecord | None:
    with _lock:
        return instance_stores[account_id][region].instances.get(instance_id)


def count(account_id: str, region: str) -> int:
    with _lock:
        return len(instance_stores[account_id][region].instances)


def put(account_id: str, region: str, new: Iterable[InstanceRecord]) -> None:
    """Sets these records, each under its instance id."""
    with _lock:
        instances = instance_stores[account_id][region].instances
        for record in new:
            instances[record.instance_id] = record


def remove(account_id: str, region: str, instance_id: str) -> InstanceRecord | None:
    """Forgets the instance; its record, or None when there was none."""
    with _lock:
        return instance_stores[account_id][region].instances.pop(instance_id, None)


def change(account_id: str, region: str, instance_id: str, how: Change) -> InstanceRecord | None:
    """Swaps the instance's record for `how(record)`, read and written under the lock; the new
    record, or None when there is no such instance or `how` left it as it was."""
    with _lock:
        instances = instance_stores[account_id][region].instances
        current = instances.get(instance_id)
        if current is None:
            return None
        new = how(current)
        if new is None:
            return None
        instances[instance_id] = new
        return new


def snapshot() -> dict[tuple[str, str], dict[str, InstanceRecord]]:
    """The records of every account and region with instances (records are immutable: the
    copy stays as it is whatever changes after)."""
    with _lock:
        return {
            (account_id, region): dict(store.instances)
            for account_id, regions in list(instance_stores.items())
            for region, store in list(regions.items())
            if store.instances
        }
