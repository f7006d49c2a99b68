"""Auto Scaling's state per account and region, in a LocalStack store.

The rule this module keeps (as ec2/models.py does for instances): records are immutable, and
every change and every read of more than one record happens here, under the store's one lock,
so request threads and the reconciler's thread act at once without losing each other's changes.
"""

import threading
from collections.abc import Callable

from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute

from localstack_ssm_docker.autoscaling.records import Activity, Group, LaunchConfiguration

ACTIVITIES_KEPT = 1000
"""Activities kept per group (the oldest go first), as AWS keeps six weeks of them."""

type Snapshot = dict[
    tuple[str, str],
    tuple[dict[str, Group], dict[str, LaunchConfiguration], dict[str, list[Activity]]],
]
"""Per (account id, region): its groups, launch configurations and activities."""

type GroupChange = Callable[[Group], Group | None]
"""The group as it is now -> its replacement (None: leave it as it is)."""


class AutoScalingStore(BaseStore):
    """The groups, launch configurations and activities of one account and region."""

    # LocalAttribute is an untyped descriptor that yields the annotated value per store
    groups: dict[str, Group] = LocalAttribute(default=dict)  # type: ignore[assignment]
    configurations: dict[str, LaunchConfiguration] = LocalAttribute(default=dict)  # type: ignore[assignment]
    activities: dict[str, list[Activity]] = LocalAttribute(default=dict)  # type: ignore[assignment]


autoscaling_stores: AccountRegionBundle[AutoScalingStore] = AccountRegionBundle(
    "autoscaling", AutoScalingStore
)


class Groups:
    """Reads and changes of the stores in `bundle`, each under one lock."""

    def __init__(self, bundle: AccountRegionBundle[AutoScalingStore] = autoscaling_stores):
        self._bundle = bundle
        self._lock = threading.RLock()

    def _store(self, account_id: str, region: str) -> AutoScalingStore:
        return self._bundle[account_id][region]

    def add(self, account_id: str, region: str, group: Group) -> bool:
        """Adds the group; False when one of that name exists."""
        with self._lock:
            groups = self._store(account_id, region).groups
            if group.name in groups:
                return False
            groups[group.name] = group
            return True

    def get(self, account_id: str, region: str, name: str) -> Group | None:
        with self._lock:
            return self._store(account_id, region).groups.get(name)

    def all(self, account_id: str, region: str) -> list[Group]:
        """The groups of an account and region, by name."""
        with self._lock:
            groups = self._store(account_id, region).groups
            return [groups[name] for name in sorted(groups)]

    def every(self) -> list[tuple[str, str, Group]]:
        """(account id, region, group) of every group."""
        with self._lock:
            return [
                (account_id, region, group)
                for account_id, regions in list(self._bundle.items())
                for region, store in list(regions.items())
                for group in store.groups.values()
            ]

    def change(self, account_id: str, region: str, name: str, how: GroupChange) -> Group | None:
        """Swaps the group for `how(group)`, read and written under the lock; the new group, or
        None when there is no such group or `how` left it as it was."""
        with self._lock:
            groups = self._store(account_id, region).groups
            current = groups.get(name)
            if current is None:
                return None
            new = how(current)
            if new is None:
                return None
            groups[name] = new
            return new

    def remove(self, account_id: str, region: str, name: str) -> Group | None:
        with self._lock:
            store = self._store(account_id, region)
            store.activities.pop(name, None)
            return store.groups.pop(name, None)

    def add_configuration(
        self, account_id: str, region: str, configuration: LaunchConfiguration
    ) -> bool:
        """Adds the launch configuration; False when one of that name exists."""
        with self._lock:
            configurations = self._store(account_id, region).configurations
            if configuration.name in configurations:
                return False
            configurations[configuration.name] = configuration
            return True

    def configuration(self, account_id: str, region: str, name: str) -> LaunchConfiguration | None:
        with self._lock:
            return self._store(account_id, region).configurations.get(name)

    def configurations(self, account_id: str, region: str) -> list[LaunchConfiguration]:
        with self._lock:
            configurations = self._store(account_id, region).configurations
            return [configurations[name] for name in sorted(configurations)]

    def remove_configuration(self, account_id: str, region: str, name: str) -> bool:
        with self._lock:
            return self._store(account_id, region).configurations.pop(name, None) is not None

    def record(self, account_id: str, region: str, activity: Activity) -> None:
        """Keeps the activity (the newest ACTIVITIES_KEPT of the group)."""
        with self._lock:
            kept = self._store(account_id, region).activities.setdefault(activity.group_name, [])
            kept.append(activity)
            del kept[:-ACTIVITIES_KEPT]

    def end_activity(
        self,
        account_id: str,
        region: str,
        group_name: str,
        activity_id: str,
        how: Callable[[Activity], Activity],
    ) -> None:
        """Swaps the group's activity of that id for `how(activity)` (gone already: nothing)."""
        with self._lock:
            kept = self._store(account_id, region).activities.get(group_name, [])
            for index, activity in enumerate(kept):
                if activity.activity_id == activity_id:
                    kept[index] = how(activity)
                    return

    def activities(self, account_id: str, region: str, name: str | None) -> list[Activity]:
        """The activities of a group (None: of every group), newest first."""
        with self._lock:
            activities = self._store(account_id, region).activities
            names = [name] if name is not None else list(activities)
            found = [a for n in names for a in activities.get(n, [])]
        return sorted(found, key=lambda a: a.started_at, reverse=True)

    def snapshot(self) -> Snapshot:
        """Everything stored, for PERSISTENCE=1 (records are immutable: the copy stays as it is)."""
        with self._lock:
            return {
                (account_id, region): (
                    dict(store.groups),
                    dict(store.configurations),
                    {name: list(kept) for name, kept in store.activities.items()},
                )
                for account_id, regions in list(self._bundle.items())
                for region, store in list(regions.items())
                if store.groups or store.configurations
            }

    def restore(self, snapshot: Snapshot) -> None:
        """Puts a snapshot's groups, launch configurations and activities back."""
        with self._lock:
            for (account_id, region), (groups, configurations, activities) in snapshot.items():
                store = self._store(account_id, region)
                store.groups.update(groups)
                store.configurations.update(configurations)
                store.activities.update(activities)
