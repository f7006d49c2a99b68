"""CreateDocument's and UpdateDocument's check of an Automation document: refused with
InvalidDocumentContent, the message naming the step, for an unknown action, inputs the action
refuses, a declared output with a malformed Selector or an unknown Type, a reference to no
parameter, step output or automation variable, a nextStep/onFailure/onCancel/aws:branch target
that is not a step, or a cycle of nextStep.

aws:branch may loop back (that is how a runbook repeats), so its choices are not part of the
cycle check; neither are onFailure and onCancel, which run only when something went wrong.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from localstack.aws.api.ssm import InvalidDocumentContent

from localstack_ssm_docker.ssm.automation.actions.base import Action, InvalidStep
from localstack_ssm_docker.ssm.automation.actions.control import BranchAction, branch_targets
from localstack_ssm_docker.ssm.automation.actions.selectors import check_declared
from localstack_ssm_docker.ssm.automation.references import AUTOMATION_VARIABLES, references_in
from localstack_ssm_docker.ssm.automation.runbook import (
    MalformedRunbook,
    Runbook,
    StepSpec,
    parse_runbook,
    step_target,
)

_DIRECTIVES = {"onFailure": ("Abort", "Continue"), "onCancel": ("Abort",)}


def validate_runbook(content: Mapping[str, Any], actions: Mapping[str, Action]) -> Runbook:
    """The runbook in `content`; InvalidDocumentContent when it can never run."""
    try:
        runbook = parse_runbook(content)
    except MalformedRunbook as e:
        raise InvalidDocumentContent(str(e)) from None
    for step in runbook.steps:
        action = actions.get(step.action)
        if action is None:
            raise InvalidDocumentContent(f"Step {step.name} has an unknown action {step.action}.")
        try:
            action.check(step.name, step.inputs)
            check_declared(step.name, step.outputs)
        except InvalidStep as e:
            raise InvalidDocumentContent(e.message) from None
        _check_references(runbook, step.name, references_in(dict(step.inputs)))
        _check_targets(runbook, step)
    _check_references(runbook, "assumeRole", references_in(runbook.assume_role))
    _check_references(runbook, "outputs", [o for o in runbook.outputs])
    _check_cycles(runbook)
    return runbook


def _check_references(runbook: Runbook, where: str, names: Iterable[str]) -> None:
    steps = {s.name for s in runbook.steps}
    for name in names:
        if name in runbook.parameters or name in AUTOMATION_VARIABLES:
            continue
        step_name, dot, _ = name.partition(".")
        if dot and step_name in steps:
            continue
        subject = "Document outputs" if where == "outputs" else f"Step {where}"
        raise InvalidDocumentContent(
            f"{subject} refers to {{{{ {name} }}}}, which is not a parameter, a step output or "
            "an automation variable."
        )


def _check_targets(runbook: Runbook, step: StepSpec) -> None:
    targets: list[tuple[str, str]] = []
    if step.next_step is not None:
        targets.append(("nextStep", step.next_step))
    for field, directive in (("onFailure", step.on_failure), ("onCancel", step.on_cancel)):
        target = step_target(directive)
        if target is not None:
            targets.append((field, target))
        elif directive not in _DIRECTIVES[field]:
            raise InvalidDocumentContent(
                f"Step {step.name} has {field} {directive}; it is "
                f"{' or '.join(_DIRECTIVES[field])} or step:<step name>."
            )
    if step.action == BranchAction.name:
        targets += [("aws:branch choice", t) for t in branch_targets(step.inputs)]
    for field, target in targets:
        if runbook.step(target) is None:
            raise InvalidDocumentContent(
                f"Step {step.name} has {field} {target}, which is not a step of the document."
            )


def _check_cycles(runbook: Runbook) -> None:
    successor: dict[str, str | None] = {}
    for step in runbook.steps:
        if step.action == BranchAction.name or step.is_end:
            successor[step.name] = None
        elif step.next_step is not None:
            successor[step.name] = step.next_step
        else:
            following = runbook.after(step.name)
            successor[step.name] = following.name if following else None
    for start in successor:
        seen: list[str] = []
        current: str | None = start
        while current is not None:
            if current in seen:
                loop = " -> ".join([*seen[seen.index(current) :], current])
                raise InvalidDocumentContent(
                    f"Step {current} is part of a cycle of nextStep: {loop}."
                )
            seen.append(current)
            current = successor.get(current)
