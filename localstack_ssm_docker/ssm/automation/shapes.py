"""Execution and step records as the API shows them (GetAutomationExecution,
DescribeAutomationExecutions, DescribeAutomationStepExecutions)."""

from datetime import UTC, datetime
from typing import Any, cast

from localstack.aws.api.ssm import AutomationExecution, AutomationExecutionMetadata, StepExecution
from localstack.aws.api.ssm import AutomationExecutionStatus as Status

from localstack_ssm_docker.ssm.automation.engine import output_values
from localstack_ssm_docker.ssm.automation.records import Execution, StepRecord, automation_stores


def moment(epoch: float) -> datetime:
    """A record's time as the API's timestamp."""
    return datetime.fromtimestamp(epoch, UTC)


def step_shape(step: StepRecord) -> StepExecution:
    """One StepExecution."""
    shape: dict[str, Any] = {
        "StepName": step.step_name,
        "Action": step.action,
        "OnFailure": step.on_failure,
        "MaxAttempts": step.max_attempts,
        "StepStatus": step.status,
        "Inputs": dict(step.inputs),
        "Outputs": {k: output_values(v) for k, v in step.values.items()},
        "StepExecutionId": step.step_execution_id,
        "IsEnd": step.is_end,
        "IsCritical": step.is_critical,
    }
    if step.timeout_seconds is not None:
        shape["TimeoutSeconds"] = step.timeout_seconds
    if step.next_step:
        shape["NextStep"] = step.next_step
    if step.started_at is not None:
        shape["ExecutionStartTime"] = moment(step.started_at)
    if step.ended_at is not None:
        shape["ExecutionEndTime"] = moment(step.ended_at)
    if step.failure_message:
        shape["FailureMessage"] = step.failure_message
        shape["FailureDetails"] = {
            "FailureStage": "Execution",
            "FailureType": step.failure_type,
            "Details": {},
        }
    return cast(StepExecution, shape)


def _common(record: Execution) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "AutomationExecutionId": record.execution_id,
        "DocumentName": record.document_name,
        "DocumentVersion": record.document_version,
        "AutomationExecutionStatus": record.status,
        "ExecutionStartTime": moment(record.started_at),
        "ExecutedBy": record.executed_by,
        "Outputs": dict(record.outputs),
        "Mode": record.mode,
    }
    if record.ended_at is not None:
        shape["ExecutionEndTime"] = moment(record.ended_at)
    if record.failure_message:
        shape["FailureMessage"] = record.failure_message
    if record.parent_id:
        shape["ParentAutomationExecutionId"] = record.parent_id
    if record.current_step_name:
        shape["CurrentStepName"] = record.current_step_name
        shape["CurrentAction"] = record.current_action
    if record.target:
        shape["Target"] = record.target
    if record.target_parameter_name:
        shape["TargetParameterName"] = record.target_parameter_name
    if is_rate_controlled(record):
        shape["ResolvedTargets"] = {
            "ParameterValues": list(record.resolved_targets),
            "Truncated": False,
        }
        shape["MaxConcurrency"] = record.max_concurrency or "10"
        shape["MaxErrors"] = record.max_errors or "0"
    if record.targets:
        shape["Targets"] = [dict(t) for t in record.targets]
    if record.target_maps:
        shape["TargetMaps"] = [dict(t) for t in record.target_maps]
    if record.association_id:
        shape["AssociationId"] = record.association_id
    return shape


def execution_shape(account_id: str, region: str, record: Execution) -> AutomationExecution:
    """One AutomationExecution (GetAutomationExecution)."""
    shape = _common(record)
    shape["Parameters"] = dict(record.parameters)
    shape["StepExecutions"] = [step_shape(s) for s in record.steps]
    shape["StepExecutionsTruncated"] = False
    shape["ProgressCounters"] = progress(account_id, region, record)
    return cast(AutomationExecution, shape)


def metadata_shape(record: Execution) -> AutomationExecutionMetadata:
    """One AutomationExecutionMetadata (DescribeAutomationExecutions)."""
    shape = _common(record)
    shape["AutomationType"] = "Local"
    shape["LogFile"] = ""
    return cast(AutomationExecutionMetadata, shape)


def progress(account_id: str, region: str, record: Execution) -> dict[str, int]:
    """ProgressCounters: of its steps, or of its children for a rate-controlled execution."""
    if is_rate_controlled(record):
        executions = automation_stores[account_id][region].executions
        statuses = [executions[c].status for c in record.children if c in executions]
        total = len(record.resolved_targets)
    else:
        statuses = [s.status for s in record.steps]
        total = len(statuses)
    return {
        "TotalSteps": total,
        "SuccessSteps": statuses.count(Status.Success),
        "FailedSteps": statuses.count(Status.Failed),
        "CancelledSteps": statuses.count(Status.Cancelled),
        "TimedOutSteps": statuses.count(Status.TimedOut),
    }


def is_rate_controlled(record: Execution) -> bool:
    """Whether the execution runs child executions over targets."""
    return bool(record.target_parameter_name or record.target_maps)
