"""Associations, their versions and executions, per account and region, in a LocalStack store.

A version keeps the settings exactly as the API names them (``Name``, ``Parameters``,
``Targets``...), so each version is what ListAssociationVersions shows. An execution keeps only
which Run Command command (or, for a runbook, which automation execution) it started: its status
and per-target results are derived from that command's invocations or that execution's record
(``status.py``), the one record of how they went.
"""

from dataclasses import dataclass, field
from typing import Any

from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute


@dataclass(frozen=True)
class AssociationVersion:
    """One version of an association's settings (API field names)."""

    version: int
    created_at: float
    settings: dict[str, Any]

    def get(self, key: str, default: Any = None) -> Any:
        """A setting, or `default` when it was not given."""
        value = self.settings.get(key)
        return default if value is None else value


@dataclass
class AssociationRecord:
    """An association: its versions (latest last) and what its schedule has served."""

    association_id: str
    created_at: float
    versions: list[AssociationVersion]
    schedule_mark: float
    """The time up to which the schedule has run (its next run is the first after this)."""
    schedule_anchor: float
    """Where a rate schedule's grid starts: the creation or last update."""
    applied: set[str] = field(default_factory=set)
    """Instances the association has run on (a later match runs only on new ones)."""
    tags: list[dict[str, str]] = field(default_factory=list)

    @property
    def latest(self) -> AssociationVersion:
        return self.versions[-1]


@dataclass(frozen=True)
class AssociationExecution:
    """One run of an association: the Run Command command it started on its targets, or, for
    a runbook, the automation execution it started (which rate-controls its own targets)."""

    association_id: str
    association_version: int
    execution_id: str
    created_at: float
    command_id: str
    instance_ids: tuple[str, ...]
    automation_execution_id: str = ""


class AssociationStore(BaseStore):
    """Associations by id, and their executions by association id (in the order they ran)."""

    # LocalAttribute is an untyped descriptor that yields the annotated value per store
    associations: dict[str, AssociationRecord] = LocalAttribute(default=dict)  # type: ignore[assignment]
    executions: dict[str, list[AssociationExecution]] = LocalAttribute(default=dict)  # type: ignore[assignment]


association_stores: AccountRegionBundle[AssociationStore] = AccountRegionBundle(
    "ssm", AssociationStore
)
