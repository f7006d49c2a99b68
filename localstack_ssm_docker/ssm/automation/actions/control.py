"""The control actions: aws:sleep, aws:pause, aws:approve, aws:branch and aws:executeAutomation.

aws:sleep needs nothing but its context's `cancelled`; the others ask the engine through the
`ControlledStepContext` it gives them (automation/control.py): a signal, the next step, a nested
execution.
"""

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from localstack_ssm_docker.ssm.automation.actions.base import InvalidStep, StepContext, StepFailed
from localstack_ssm_docker.ssm.automation.control import ControlledStepContext
from localstack_ssm_docker.ssm.automation.references import as_text, references_in

_DURATION = re.compile(
    r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)
MAX_SLEEP_SECONDS = 7 * 24 * 3600
"""aws:sleep's limit (AWS: seven days)."""


def _is_reference(value: Any) -> bool:
    return any(True for _ in references_in(value))


def _controlled(context: StepContext) -> ControlledStepContext:
    if not isinstance(context, ControlledStepContext):
        raise StepFailed("This action runs only in the automation engine.")
    return context


def duration_seconds(value: str) -> float | None:
    """Seconds in an ISO 8601 duration (PT10M, PT1H30M, P1D), None when it is not one."""
    match = _DURATION.fullmatch(value.strip())
    if not match or value.strip() in ("P", "PT") or value.strip().endswith("T"):
        return None
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    return (
        parts.get("d", 0) * 86400
        + parts.get("h", 0) * 3600
        + parts.get("m", 0) * 60
        + parts.get("s", 0)
    )


def _timestamp(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SleepAction:
    """aws:sleep: waits Duration, or until Timestamp; cancellation ends the wait."""

    name: ClassVar[str] = "aws:sleep"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        duration, timestamp = inputs.get("Duration"), inputs.get("Timestamp")
        if (duration is None) == (timestamp is None):
            raise InvalidStep(f"Step {step_name}: aws:sleep takes one of Duration and Timestamp.")
        if isinstance(duration, str) and not _is_reference(duration):
            seconds = duration_seconds(duration)
            if seconds is None or seconds > MAX_SLEEP_SECONDS:
                raise InvalidStep(
                    f"Step {step_name}: Duration {duration} is not an ISO 8601 duration of at "
                    "most 7 days."
                )
        if (
            isinstance(timestamp, str)
            and not _is_reference(timestamp)
            and _timestamp(timestamp) is None
        ):
            raise InvalidStep(f"Step {step_name}: Timestamp {timestamp} is not an ISO 8601 time.")

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        if "Duration" in inputs:
            seconds = duration_seconds(as_text(inputs["Duration"]))
            if seconds is None:
                raise StepFailed(f"Duration {inputs['Duration']} is not an ISO 8601 duration.")
        else:
            until = _timestamp(as_text(inputs.get("Timestamp")))
            if until is None:
                raise StepFailed(f"Timestamp {inputs.get('Timestamp')} is not an ISO 8601 time.")
            seconds = max(0.0, (until - datetime.now(UTC)).total_seconds())
        if context.cancelled.wait(min(seconds, MAX_SLEEP_SECONDS)):
            raise StepFailed("The sleep was cancelled.")
        return {}


class PauseAction:
    """aws:pause: waits for a Resume signal."""

    name: ClassVar[str] = "aws:pause"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        return None

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        if _controlled(context).control.wait_for_signal(frozenset({"Resume"})) is None:
            raise StepFailed("The pause was cancelled.")
        return {}


class ApproveAction:
    """aws:approve: waits for MinRequiredApprovals Approve signals; one Reject fails the step."""

    name: ClassVar[str] = "aws:approve"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        approvers = inputs.get("Approvers")
        if approvers is None:
            raise InvalidStep(f"Step {step_name}: aws:approve needs Approvers.")
        if not isinstance(approvers, list | str) or (isinstance(approvers, list) and not approvers):
            raise InvalidStep(f"Step {step_name}: Approvers is a non-empty list.")
        minimum = inputs.get("MinRequiredApprovals", 1)
        if not _is_reference(minimum):
            try:
                if int(minimum) < 1:
                    raise ValueError(minimum)
            except (TypeError, ValueError):
                raise InvalidStep(
                    f"Step {step_name}: MinRequiredApprovals is a positive integer."
                ) from None

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        control = _controlled(context).control
        needed = int(inputs.get("MinRequiredApprovals", 1))
        decisions: list[dict[str, str]] = []
        while sum(1 for d in decisions if d["Decision"] == "Approve") < needed:
            signal = control.wait_for_signal(frozenset({"Approve", "Reject"}))
            if signal is None:
                raise StepFailed("The approval was cancelled.")
            comment = " ".join(signal.payload.get("Comment") or [])
            decisions.append(
                {"Approver": signal.sender, "Decision": signal.signal_type, "Comment": comment}
            )
            if signal.signal_type == "Reject":
                raise StepFailed(
                    f"The step was rejected by {signal.sender}: {comment}".rstrip(": ")
                )
        return {"ApprovalStatus": "Approved", "ApproverDecisions": json.dumps(decisions)}


_STRING_OPERATORS = {
    "StringEquals": lambda a, b: a == b,
    "EqualsIgnoreCase": lambda a, b: a.lower() == b.lower(),
    "StartsWith": lambda a, b: a.startswith(b),
    "EndsWith": lambda a, b: a.endswith(b),
    "Contains": lambda a, b: b in a,
}
_NUMERIC_OPERATORS = {
    "NumericEquals": lambda a, b: a == b,
    "NumericGreater": lambda a, b: a > b,
    "NumericLesser": lambda a, b: a < b,
    "NumericGreaterOrEquals": lambda a, b: a >= b,
    "NumericLesserOrEquals": lambda a, b: a <= b,
}
_OPERATORS = frozenset({*_STRING_OPERATORS, *_NUMERIC_OPERATORS, "BooleanEquals"})
_COMBINATORS = frozenset({"And", "Or", "Not"})


def _check_choice(step_name: str, choice: Any, top: bool) -> None:
    if not isinstance(choice, dict):
        raise InvalidStep(f"Step {step_name}: each of Choices is an object.")
    if top and not isinstance(choice.get("NextStep"), str):
        raise InvalidStep(f"Step {step_name}: each of Choices needs a NextStep.")
    keys = set(choice) & (_OPERATORS | _COMBINATORS)
    if len(keys) != 1:
        raise InvalidStep(
            f"Step {step_name}: a choice has exactly one operator (StringEquals, NumericEquals, "
            "BooleanEquals, And, Or, Not, ...)."
        )
    (operator,) = keys
    if operator in _COMBINATORS:
        nested = choice[operator]
        nested = [nested] if operator == "Not" and isinstance(nested, dict) else nested
        if not isinstance(nested, list) or not nested:
            raise InvalidStep(f"Step {step_name}: {operator} takes a list of choices.")
        for inner in nested:
            _check_choice(step_name, inner, top=False)
    elif "Variable" not in choice:
        raise InvalidStep(f"Step {step_name}: a choice with {operator} needs a Variable.")


def _matches(choice: Mapping[str, Any]) -> bool:
    for operator, expected in choice.items():
        if operator == "And":
            return all(_matches(c) for c in expected)
        if operator == "Or":
            return any(_matches(c) for c in expected)
        if operator == "Not":
            inner = expected[0] if isinstance(expected, list) else expected
            return not _matches(inner)
        variable = choice.get("Variable")
        if operator in _STRING_OPERATORS:
            return bool(_STRING_OPERATORS[operator](as_text(variable), as_text(expected)))
        if operator in _NUMERIC_OPERATORS:
            try:
                return bool(
                    _NUMERIC_OPERATORS[operator](float(as_text(variable)), float(as_text(expected)))
                )
            except ValueError:
                return False
        if operator == "BooleanEquals":
            return as_text(variable).lower() == as_text(expected).lower()
    return False


def branch_targets(inputs: Mapping[str, Any]) -> list[str]:
    """The steps an aws:branch step may go to (its Choices' NextStep and its Default)."""
    targets = [c["NextStep"] for c in inputs.get("Choices") or [] if isinstance(c, dict)]
    if isinstance(inputs.get("Default"), str):
        targets.append(inputs["Default"])
    return [t for t in targets if isinstance(t, str)]


class BranchAction:
    """aws:branch: the first of Choices that matches names the next step; else Default."""

    name: ClassVar[str] = "aws:branch"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        choices = inputs.get("Choices")
        if not isinstance(choices, list) or not choices:
            raise InvalidStep(f"Step {step_name}: aws:branch needs a non-empty list of Choices.")
        for choice in choices:
            _check_choice(step_name, choice, top=True)

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        control = _controlled(context).control
        for choice in inputs.get("Choices") or []:
            if _matches({k: v for k, v in choice.items() if k != "NextStep"}):
                control.go_to(choice["NextStep"])
                return {}
        if inputs.get("Default"):
            control.go_to(inputs["Default"])
            return {}
        raise StepFailed("No choice matched and the step has no Default.")


class ExecuteAutomationAction:
    """aws:executeAutomation: runs another runbook as a child execution to its end."""

    name: ClassVar[str] = "aws:executeAutomation"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        if not isinstance(inputs.get("DocumentName"), str):
            raise InvalidStep(f"Step {step_name}: aws:executeAutomation needs a DocumentName.")
        runtime = inputs.get("RuntimeParameters", {})
        if not isinstance(runtime, dict) and not _is_reference(runtime):
            raise InvalidStep(f"Step {step_name}: RuntimeParameters is a map.")

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        runtime = inputs.get("RuntimeParameters") or {}
        if not isinstance(runtime, dict):
            raise StepFailed("RuntimeParameters is not a map.")
        parameters = {
            k: [as_text(x) for x in v] if isinstance(v, list) else [as_text(v)]
            for k, v in runtime.items()
        }
        version = inputs.get("DocumentVersion")
        result = _controlled(context).control.run_nested(
            as_text(inputs["DocumentName"]), as_text(version) if version else None, parameters
        )
        if result.status != "Success":
            raise StepFailed(
                f"Automation execution {result.execution_id} ended {result.status}: "
                f"{result.failure_message}".rstrip(": ")
            )
        return {
            "ExecutionId": result.execution_id,
            "Status": result.status,
            "Output": json.dumps(dict(result.outputs)),
        }
