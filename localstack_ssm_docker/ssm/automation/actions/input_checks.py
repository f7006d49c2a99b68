"""Checks of a step's inputs shared by the resource actions.

`check` runs at CreateDocument, before parameters are known, so a value that still holds a
`{{ }}` reference passes every type check; `run` sees resolved values, where a Boolean may come
from a String parameter ("true") and is read as AWS reads it.
"""

from collections.abc import Collection, Mapping
from typing import Any

from localstack_ssm_docker.ssm.automation.actions.base import InvalidStep, StepFailed

_KINDS: dict[str, tuple[type, ...]] = {
    "String": (str,),
    "StringList": (list,),
    "Boolean": (bool,),
    "Integer": (int,),
    "StringMap": (dict,),
    "MapList": (list,),
}


def is_reference(value: Any) -> bool:
    """Whether `value` is (or holds) a `{{ }}` reference not yet resolved."""
    return isinstance(value, str) and "{{" in value


def require(action: str, step_name: str, inputs: Mapping[str, Any], *names: str) -> None:
    """InvalidStep unless every input in `names` is present."""
    for name in names:
        if inputs.get(name) in (None, "", []):
            raise InvalidStep(f"Step {step_name}: action {action} requires input {name}.")


def kinds(action: str, step_name: str, inputs: Mapping[str, Any], **types: str) -> None:
    """InvalidStep for an input (given by name=Type) whose value is of another kind."""
    for name, type_name in types.items():
        value = inputs.get(name)
        if value is None or is_reference(value):
            continue
        wanted = _KINDS[type_name]
        if type_name == "Integer" and isinstance(value, str) and value.isdigit():
            continue
        if (
            type_name == "Boolean"
            and isinstance(value, str)
            and value.lower()
            in (
                "true",
                "false",
            )
        ):
            continue
        if not isinstance(value, wanted) or (type_name == "Integer" and isinstance(value, bool)):
            raise InvalidStep(
                f"Step {step_name}: input {name} of action {action} must be a {type_name}."
            )


def one_of(
    action: str, step_name: str, inputs: Mapping[str, Any], name: str, allowed: Collection[str]
) -> None:
    """InvalidStep when input `name` is set to a value outside `allowed`."""
    value = inputs.get(name)
    if value is None or is_reference(value) or value in allowed:
        return
    raise InvalidStep(
        f"Step {step_name}: input {name} of action {action} must be one of "
        f"{', '.join(allowed)}; got {value!r}."
    )


def boolean(value: Any, default: bool = False) -> bool:
    """A resolved Boolean input: a bool, or "true"/"false" from a String parameter."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise StepFailed(f"{value!r} is not a Boolean.")


def integer(value: Any, default: int) -> int:
    """A resolved Integer input: an int, or its digits from a String parameter."""
    if value is None or value == "":
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise StepFailed(f"{value!r} is not an Integer.")


def string_list(value: Any) -> list[str]:
    """A resolved StringList input; a single String counts as a list of one."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise StepFailed(f"{value!r} is not a StringList.")
