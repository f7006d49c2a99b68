"""Read-side views of associations: their executions' results (from the Run Command store),
Overview, last execution dates and each instance's latest result."""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from localstack.aws.api.ssm import AssociationDoesNotExist

from localstack_ssm_docker.ssm.associations.models import (
    AssociationExecution,
    AssociationRecord,
    association_stores,
)
from localstack_ssm_docker.ssm.associations.shapes import timestamp
from localstack_ssm_docker.ssm.associations.status import (
    MANAGED_INSTANCE,
    ExecutionStatus,
    Overview,
    TargetResult,
    automation_result,
    execution_status,
    overview,
    target_results,
)
from localstack_ssm_docker.ssm.automation.records import automation_stores
from localstack_ssm_docker.ssm.models import run_command_stores


@dataclass(frozen=True)
class ExecutionView:
    execution: AssociationExecution
    results: list[TargetResult]
    status: ExecutionStatus


@dataclass(frozen=True)
class AssociationView:
    record: AssociationRecord
    executions: list[ExecutionView]

    @property
    def latest_by_instance(self) -> dict[str, tuple[ExecutionView, TargetResult]]:
        """Each instance's latest result (later executions win)."""
        latest: dict[str, tuple[ExecutionView, TargetResult]] = {}
        for view in self.executions:
            for result in view.results:
                if result.resource_type == MANAGED_INSTANCE:
                    latest[result.instance_id] = (view, result)
        return latest

    @property
    def overview(self) -> Overview:
        """From each instance's latest result, or a runbook's latest run."""
        latest = {iid: r for iid, (_, r) in self.latest_by_instance.items()}
        automated = [v for v in self.executions if v.execution.automation_execution_id]
        if automated:
            latest.update({r.instance_id: r for r in automated[-1].results})
        return overview(latest)

    @property
    def last_execution(self) -> float | None:
        return self.executions[-1].execution.created_at if self.executions else None

    @property
    def last_success(self) -> float | None:
        succeeded = [v for v in self.executions if v.status.status == "Success"]
        return succeeded[-1].execution.created_at if succeeded else None


def execution_view(account_id: str, region: str, execution: AssociationExecution) -> ExecutionView:
    if automation_id := execution.automation_execution_id:
        found = automation_stores[account_id][region].executions.get(automation_id)
        result = automation_result(automation_id, None if found is None else str(found.status))
        return ExecutionView(execution, [result], execution_status([result]))
    invocations = run_command_stores[account_id][region].invocations.get(execution.command_id, {})
    results = target_results(execution, invocations)
    return ExecutionView(execution, results, execution_status(results))


def association_view(account_id: str, region: str, record: AssociationRecord) -> AssociationView:
    executions = association_stores[account_id][region].executions.get(record.association_id, [])
    return AssociationView(
        record, [execution_view(account_id, region, e) for e in list(executions)]
    )


def targets_instance(record: AssociationRecord, instance_id: str) -> bool:
    """Whether the association names the instance (by InstanceId, or in InstanceIds)."""
    latest = record.latest
    if latest.get("InstanceId") == instance_id:
        return True
    return any(
        t.get("Key") == "InstanceIds" and instance_id in (t.get("Values") or [])
        for t in latest.get("Targets", [])
    )


def find_association(account_id: str, region: str, association_id: str) -> AssociationRecord:
    """The association; AssociationDoesNotExist when there is none by that id."""
    record = association_stores[account_id][region].associations.get(association_id)
    if record is None:
        raise AssociationDoesNotExist("The specified association does not exist.")
    return record


def instance_association_fields(account_id: str, region: str) -> dict[str, dict[str, Any]]:
    """DescribeInstanceInformation's association fields of each instance an association ran on:
    AssociationStatus, the last (successful) execution dates and the aggregated counts."""
    latest: dict[str, list[tuple[float, TargetResult]]] = {}
    for record in list(association_stores[account_id][region].associations.values()):
        for instance_id, (run, result) in association_view(
            account_id, region, record
        ).latest_by_instance.items():
            latest.setdefault(instance_id, []).append((run.execution.created_at, result))
    fields = {}
    for instance_id, results in latest.items():
        counts = dict(Counter(r.status for _, r in results))
        if any(r.ended and not r.succeeded for _, r in results):
            status = "Failed"
        elif all(r.succeeded for _, r in results):
            status = "Success"
        else:
            status = "Pending"
        shown: dict[str, Any] = {
            "AssociationStatus": status,
            "LastAssociationExecutionDate": timestamp(max(t for t, _ in results)),
            "AssociationOverview": {
                "DetailedStatus": status,
                "InstanceAssociationStatusAggregatedCount": counts,
            },
        }
        succeeded = [t for t, r in results if r.succeeded]
        if succeeded:
            shown["LastSuccessfulAssociationExecutionDate"] = timestamp(max(succeeded))
        fields[instance_id] = shown
    return fields
