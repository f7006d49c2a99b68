"""Runs an association: its document on the instances it targets, as one Run Command command
submitted to the executor, or, for a runbook, as one automation execution; either is recorded
as an execution of the association."""

import logging
import threading
import uuid
from collections.abc import Callable, Collection
from typing import Protocol

from localstack.aws.api.ssm import ServiceException

from localstack_ssm_docker.ssm.associations.automation import Automations
from localstack_ssm_docker.ssm.associations.clock import Clock
from localstack_ssm_docker.ssm.associations.models import (
    AssociationExecution,
    AssociationRecord,
    association_stores,
)
from localstack_ssm_docker.ssm.associations.targets import matching_instances
from localstack_ssm_docker.ssm.documents.plan import Document, plan_command
from localstack_ssm_docker.ssm.models import Command, run_command_stores
from localstack_ssm_docker.ssm.run.request import CommandRequest, Scope, Target
from localstack_ssm_docker.ssm.targeting.instances import ManagedInstance
from localstack_ssm_docker.ssm.targeting.targets import GroupQuery

LOG = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 3600
DEFAULT_MAX_CONCURRENCY = "100%"
DEFAULT_MAX_ERRORS = "100%"

type DocumentLoader = Callable[[str, str, str, str | None], Document]
"""(account, region, name, version) → the document; raises InvalidDocument(Version)."""


class Instances(Protocol):
    def managed_instances(
        self, account_id: str, region: str, strict: bool = False
    ) -> list[ManagedInstance]: ...


class Submitter(Protocol):
    def submit(self, request: CommandRequest) -> None: ...


class AssociationRunner:
    """Starts executions; one lock keeps the association store consistent between API threads,
    the schedule's timer thread and instance events."""

    def __init__(
        self,
        instances: Instances,
        executor: Submitter,
        clock: Clock,
        load_document: DocumentLoader,
        group_query: Callable[[str, str], GroupQuery],
        automations: Automations | None = None,
    ):
        self._instances = instances
        self._executor = executor
        self.clock = clock
        self._load_document = load_document
        self._group_query = group_query
        self.automations = automations
        self.lock = threading.RLock()

    def run(
        self,
        account_id: str,
        region: str,
        record: AssociationRecord,
        among: Collection[str] | None = None,
    ) -> AssociationExecution | None:
        """Runs the latest version on its matching Online instances (of `among`, when given);
        None when none matches or its document can no longer run. A runbook runs once per
        run, over the targets its own rate control resolves: never per instance (`among`)."""
        version = record.latest
        if self.automations is not None and self.automations.is_runbook(
            account_id, region, version.settings["Name"], version.get("DocumentVersion")
        ):
            return None if among is not None else self._run_automation(account_id, region, record)
        # not strict: an engine that does not answer leaves every instance ConnectionLost
        managed = self._instances.managed_instances(account_id, region)
        targets = matching_instances(version, managed, self._group_query(account_id, region), among)
        if not targets:
            return None
        try:
            document = self._load_document(
                account_id, region, version.settings["Name"], version.get("DocumentVersion")
            )
            plan = plan_command(document, version.get("Parameters"))
        except ServiceException as e:
            LOG.warning("association %s not run: %s", record.association_id, e)
            return None
        now = self.clock.now()
        s3 = (version.get("OutputLocation") or {}).get("S3Location") or {}
        command = Command(
            command_id=str(uuid.uuid4()),
            document_name=version.settings["Name"],
            document_version=version.get("DocumentVersion", ""),
            comment="",
            parameters=version.get("Parameters", {}),
            instance_ids=[m.record.instance_id for m in targets],
            targets=[],
            requested_at=now,
            timeout_seconds=DEFAULT_TIMEOUT_SECONDS,
            execution_timeout=plan.execution_timeout,
            max_concurrency=version.get("MaxConcurrency", DEFAULT_MAX_CONCURRENCY),
            max_errors=version.get("MaxErrors", DEFAULT_MAX_ERRORS),
            plugin_names=plan.plugin_names,
            output_s3_region=s3.get("OutputS3Region") or region,
            output_s3_bucket_name=s3.get("OutputS3BucketName") or "",
            output_s3_key_prefix=s3.get("OutputS3KeyPrefix") or "",
        )
        execution = AssociationExecution(
            association_id=record.association_id,
            association_version=version.version,
            execution_id=str(uuid.uuid4()),
            created_at=now,
            command_id=command.command_id,
            instance_ids=tuple(command.instance_ids),
        )
        with self.lock:
            store = association_stores[account_id][region]
            if record.association_id not in store.associations:
                return None  # deleted meanwhile
            store.executions.setdefault(record.association_id, []).append(execution)
            record.applied.update(execution.instance_ids)
        self._executor.submit(
            CommandRequest(
                store=run_command_stores[account_id][region],
                scope=Scope(account_id, region),
                command=command,
                document=document,
                plan=plan,
                targets=tuple(Target(m.record.instance_id, m.record.container_id) for m in targets),
            )
        )
        return execution

    def _run_automation(
        self, account_id: str, region: str, record: AssociationRecord
    ) -> AssociationExecution | None:
        assert self.automations is not None
        version = record.latest
        with self.lock:
            if record.association_id not in association_stores[account_id][region].associations:
                return None  # deleted meanwhile
        now = self.clock.now()
        try:
            automation_id = self.automations.start(
                account_id, region, version.settings, record.association_id
            )
        except ServiceException as e:
            LOG.warning("association %s not run: %s", record.association_id, e)
            return None
        execution = AssociationExecution(
            association_id=record.association_id,
            association_version=version.version,
            execution_id=str(uuid.uuid4()),
            created_at=now,
            command_id="",
            instance_ids=(),
            automation_execution_id=automation_id,
        )
        with self.lock:
            store = association_stores[account_id][region]
            store.executions.setdefault(record.association_id, []).append(execution)
        return execution
