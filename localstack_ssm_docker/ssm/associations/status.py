"""How associations went, derived from their commands' invocations as State Manager reports it.

Per target: the invocation's status (Success, Failed, TimedOut, Cancelled, Pending, InProgress);
for a runbook, its one target is the automation execution, with that execution's status.
Per execution: Success when every target succeeded, Failed once all ended with one failing,
InProgress while any runs. Per association (its Overview): the latest result on each instance,
counted by status; Success only when every one succeeded.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from localstack.aws.api.ssm import AssociationStatusName
from localstack.aws.api.ssm import CommandInvocationStatus as Invocation

from localstack_ssm_docker.ssm.associations.models import AssociationExecution
from localstack_ssm_docker.ssm.models import Invocation as InvocationRecord

IN_PROGRESS = "InProgress"
CREATING = "Creating"
MANAGED_INSTANCE = "ManagedInstance"
AUTOMATION_EXECUTION = "AutomationExecution"

_TARGET_STATUS = {
    Invocation.Success: "Success",
    Invocation.Failed: "Failed",
    Invocation.TimedOut: "TimedOut",
    Invocation.Cancelled: "Cancelled",
    Invocation.Pending: "Pending",
    Invocation.Delayed: "Pending",
    Invocation.InProgress: IN_PROGRESS,
    Invocation.Cancelling: IN_PROGRESS,
}
_ENDED = frozenset({"Success", "Failed", "TimedOut", "Cancelled"})


@dataclass(frozen=True)
class TargetResult:
    """One instance's result in one execution."""

    instance_id: str
    """The instance, or for a runbook's run, the automation execution."""
    status: str
    detailed_status: str
    invocation: InvocationRecord | None
    resource_type: str = MANAGED_INSTANCE

    @property
    def ended(self) -> bool:
        return self.status in _ENDED

    @property
    def succeeded(self) -> bool:
        return self.status == "Success"


@dataclass(frozen=True)
class ExecutionStatus:
    status: str
    detailed_status: str
    counts: dict[str, int]

    @property
    def resource_count_by_status(self) -> str:
        """AWS's string form: ``{Failed=1, Success=2}``."""
        return "{" + ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())) + "}"


def target_results(
    execution: AssociationExecution, invocations: Mapping[str, InvocationRecord]
) -> list[TargetResult]:
    """The execution's targets and how each went."""
    results = []
    for instance_id in execution.instance_ids:
        invocation = invocations.get(instance_id)
        if invocation is None:
            results.append(TargetResult(instance_id, "Pending", "Pending", None))
            continue
        status = _TARGET_STATUS.get(invocation.result.status, IN_PROGRESS)
        results.append(TargetResult(instance_id, status, status, invocation))
    return results


def automation_result(execution_id: str, automation_status: str | None) -> TargetResult:
    """A runbook's run as its one target: the automation execution, with its status (Pending
    until it runs, InProgress while it runs or waits, its end status when it ends)."""
    if automation_status is None or automation_status == "Pending":
        status = "Pending"
    elif automation_status in _ENDED:
        status = automation_status
    else:
        status = IN_PROGRESS
    return TargetResult(
        execution_id, status, automation_status or "Pending", None, AUTOMATION_EXECUTION
    )


def execution_status(results: Iterable[TargetResult]) -> ExecutionStatus:
    """An execution's status from its targets'."""
    listed = list(results)
    counts = dict(Counter(r.status for r in listed))
    if not all(r.ended for r in listed):
        return ExecutionStatus(IN_PROGRESS, IN_PROGRESS, counts)
    if all(r.succeeded for r in listed):
        return ExecutionStatus("Success", "Success", counts)
    return ExecutionStatus("Failed", "Failed", counts)


@dataclass(frozen=True)
class Overview:
    status: AssociationStatusName
    detailed_status: str
    counts: dict[str, int]


def overview(latest_by_instance: Mapping[str, TargetResult]) -> Overview:
    """The association's Overview from the latest result on each instance."""
    results = list(latest_by_instance.values())
    counts = dict(Counter(r.status for r in results))
    if not results:
        return Overview(AssociationStatusName.Pending, CREATING, counts)
    if any(r.ended and not r.succeeded for r in results):
        return Overview(AssociationStatusName.Failed, "Failed", counts)
    if all(r.succeeded for r in results):
        return Overview(AssociationStatusName.Success, "Success", counts)
    return Overview(AssociationStatusName.Pending, IN_PROGRESS, counts)
