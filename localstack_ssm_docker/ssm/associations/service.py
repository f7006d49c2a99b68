"""State Manager's behaviour, apart from the API: an association runs when it is created or
updated (unless ApplyOnlyAtCronInterval, or an ``at()`` schedule), on its schedule, when
StartAssociationsOnce asks, and on each instance that comes to match it later (launched,
tagged, or started again).

Every change to the association store is made here, under the runner's lock, with the checks it
depends on (an association that already exists, the version an update names, tags merged into
the latest ones) taken under that same lock: two requests at once never both pass a check that
only one may pass, and neither loses the other's change."""

import logging
import uuid
from collections.abc import Collection
from typing import Any

from localstack.aws.api.ssm import (
    AssociationAlreadyExists,
    AssociationDoesNotExist,
    InvalidAssociationVersion,
)

from localstack_ssm_docker.persistence import StateDirectory
from localstack_ssm_docker.ssm.associations.automation import Automations
from localstack_ssm_docker.ssm.associations.clock import Clock
from localstack_ssm_docker.ssm.associations.models import (
    AssociationExecution,
    AssociationRecord,
    AssociationStore,
    AssociationVersion,
    association_stores,
)
from localstack_ssm_docker.ssm.associations.runner import AssociationRunner
from localstack_ssm_docker.ssm.associations.scheduler import AssociationScheduler

LOG = logging.getLogger(__name__)

STATE_NAME = "associations"


def check_latest(record: AssociationRecord, asked: str | None) -> None:
    """InvalidAssociationVersion when an update names a version that is not the latest."""
    if asked and asked != "$LATEST" and asked != str(record.latest.version):
        raise InvalidAssociationVersion(
            f"Association version {asked} is not the latest version of association "
            f"{record.association_id}."
        )


def _same_instance_and_document(settings: dict[str, Any], record: AssociationRecord) -> bool:
    return (
        record.latest.get("InstanceId") == settings["InstanceId"]
        and record.latest.settings["Name"] == settings["Name"]
    )


def runs_when_applied(version: AssociationVersion) -> bool:
    """Whether creating or updating to this version runs it at once."""
    if version.get("ApplyOnlyAtCronInterval", False):
        return False
    return not str(version.get("ScheduleExpression", "")).startswith("at(")


class AssociationService:
    def __init__(self, runner: AssociationRunner, clock: Clock):
        self._runner = runner
        self._clock = clock
        self.scheduler = AssociationScheduler(clock, self._scheduled)

    @property
    def automations(self) -> Automations | None:
        """How runbooks' associations start their runs (None: this SSM runs no Automation)."""
        return self._runner.automations

    @staticmethod
    def store(account_id: str, region: str) -> AssociationStore:
        return association_stores[account_id][region]

    def create(
        self, account_id: str, region: str, settings: dict[str, Any], tags: list | None = None
    ) -> AssociationRecord:
        """Stores a new association (AssociationAlreadyExists when one of the same document
        names the same InstanceId) and runs it when its settings say so."""
        now = self._clock.now()
        record = AssociationRecord(
            association_id=str(uuid.uuid4()),
            created_at=now,
            versions=[AssociationVersion(1, now, settings)],
            schedule_mark=now,
            schedule_anchor=now,
            tags=list(tags or []),
        )
        with self._runner.lock:
            associations = self.store(account_id, region).associations
            if settings.get("InstanceId") and any(
                _same_instance_and_document(settings, r) for r in associations.values()
            ):
                raise AssociationAlreadyExists("The specified association already exists.")
            associations[record.association_id] = record
        self._applied(account_id, region, record)
        return record

    def update(
        self,
        account_id: str,
        region: str,
        record: AssociationRecord,
        settings: dict[str, Any],
        asked_version: str | None = None,
    ) -> AssociationRecord:
        """Adds a version (InvalidAssociationVersion unless `asked_version` is the latest, or
        none); AssociationDoesNotExist when it is deleted meanwhile."""
        now = self._clock.now()
        with self._runner.lock:
            if record.association_id not in self.store(account_id, region).associations:
                raise AssociationDoesNotExist("The specified association does not exist.")
            check_latest(record, asked_version)
            record.versions.append(AssociationVersion(len(record.versions) + 1, now, settings))
            record.schedule_mark = record.schedule_anchor = now
        self._applied(account_id, region, record)
        return record

    def tag(
        self,
        account_id: str,
        region: str,
        association_id: str,
        added: dict[str, str] | None = None,
        removed: Collection[str] = (),
    ) -> None:
        """Merges `added` into the association's tags and drops the `removed` keys, in one step
        (a new list: a reader never sees it half changed)."""
        with self._runner.lock:
            record = self.store(account_id, region).associations.get(association_id)
            if record is None:
                return
            tags = {t["Key"]: t["Value"] for t in record.tags}
            tags.update(added or {})
            record.tags = [{"Key": k, "Value": v} for k, v in tags.items() if k not in removed]

    def delete(self, account_id: str, region: str, association_id: str) -> None:
        self.scheduler.disarm(association_id)
        with self._runner.lock:
            store = self.store(account_id, region)
            store.associations.pop(association_id, None)
            store.executions.pop(association_id, None)

    def start_once(self, account_id: str, region: str, record: AssociationRecord) -> None:
        self._runner.run(account_id, region, record)

    def instances_changed(
        self, account_id: str, region: str, instance_ids: Collection[str], restarted: bool
    ) -> None:
        """Instances were launched or tagged (`restarted`: started again): each association
        they now match runs on those it has not run on yet (on all of them when restarted).
        Runs on the clock's thread: the caller (EC2) does not wait for it."""
        ids = frozenset(instance_ids)
        if ids and self.store(account_id, region).associations:
            self._clock.call_at(
                self._clock.now(), lambda: self._apply_to(account_id, region, ids, restarted)
            )

    def _apply_to(self, account_id: str, region: str, ids: frozenset[str], restarted: bool) -> None:
        for record in list(self.store(account_id, region).associations.values()):
            if record.latest.get("ApplyOnlyAtCronInterval", False):
                continue
            among = ids if restarted else ids - record.applied
            if among:
                self._runner.run(account_id, region, record, among)

    def _applied(self, account_id: str, region: str, record: AssociationRecord) -> None:
        if runs_when_applied(record.latest):
            self._runner.run(account_id, region, record)
        self.scheduler.arm(account_id, region, record)

    def _scheduled(self, account_id: str, region: str, association_id: str) -> None:
        record = self.store(account_id, region).associations.get(association_id)
        if record is None:
            return
        with self._runner.lock:
            record.schedule_mark = max(self._clock.now(), record.schedule_mark)
        try:
            self._runner.run(account_id, region, record)
        finally:
            self.scheduler.arm(account_id, region, record)

    def executions(
        self, account_id: str, region: str, association_id: str
    ) -> list[AssociationExecution]:
        return list(self.store(account_id, region).executions.get(association_id, []))

    # persistence (PERSISTENCE=1)

    def save(self, state: StateDirectory) -> None:
        with self._runner.lock:
            state.save(
                STATE_NAME,
                {
                    (account_id, region): (dict(store.associations), dict(store.executions))
                    for account_id, region, store in association_stores.iter_stores()
                    if store.associations
                },
            )

    def restore(self, state: StateDirectory) -> None:
        """Brings the associations back and arms their schedules: one that fell due while
        LocalStack was stopped runs once, at once."""
        snapshot = state.load(STATE_NAME) or {}
        for (account_id, region), (associations, executions) in snapshot.items():
            store = self.store(account_id, region)
            store.associations.update(associations)
            store.executions.update(executions)
            for record in associations.values():
                self.scheduler.arm(account_id, region, record)

    def shutdown(self) -> None:
        self._clock.shutdown()
