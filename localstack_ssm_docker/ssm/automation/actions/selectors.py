"""Step outputs picked out of a response by AWS's JSONPath subset and typed as the step declares.

Automation's selectors (`$.Reservations[0].Instances[0].InstanceId`, `$.Images..ImageId`,
`$.Tags[*].Key`) are dotted names, `['quoted names']`, indexes, `[*]` and the `..` deep scan;
a path with a wildcard or a deep scan yields a list, any other path one value. A selector that
matches nothing leaves its output unset (AWS's behaviour), while a value of the wrong kind for
the declared Type fails the step: the runbook relies on the type downstream.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from localstack_ssm_docker.ssm.automation.actions.base import (
    DeclaredOutput,
    InvalidStep,
    StepFailed,
)

OUTPUT_TYPES = ("String", "Integer", "Boolean", "StringList", "StringMap", "MapList")

_TOKEN = re.compile(
    r"""\.\.(?P<deep>[A-Za-z0-9_\-]+|\*)   # ..name or ..*
      | \.(?P<name>[A-Za-z0-9_\-]+|\*)     # .name or .*
      | \[\s*(?P<index>-?\d+)\s*\]         # [0]
      | \[\s*\*\s*\](?P<all>)              # [*]
      | \[\s*'(?P<quoted>[^']*)'\s*\]      # ['name']
      | \[\s*"(?P<dquoted>[^"]*)"\s*\]     # ["name"]""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Step:
    kind: str  # "name", "index", "all", "deep"
    key: str | int


@dataclass(frozen=True)
class Selector:
    """A parsed selector; `many` when it can match several values (wildcard or deep scan)."""

    text: str
    steps: tuple[_Step, ...]

    @property
    def many(self) -> bool:
        return any(step.kind in ("all", "deep") for step in self.steps)


def parse(text: str) -> Selector:
    """Parses a selector; ValueError names what is wrong with it."""
    if not isinstance(text, str) or not text.startswith("$"):
        raise ValueError(f"selector {text!r} must start with $")
    steps: list[_Step] = []
    position = 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"selector {text!r} is not valid at {text[position:]!r}")
        position = match.end()
        if match.group("deep") is not None:
            steps.append(_Step("deep", match.group("deep")))
        elif match.group("name") is not None:
            name = match.group("name")
            steps.append(_Step("all", "*") if name == "*" else _Step("name", name))
        elif match.group("index") is not None:
            steps.append(_Step("index", int(match.group("index"))))
        elif match.group("all") is not None:
            steps.append(_Step("all", "*"))
        else:
            quoted = match.group("quoted")
            steps.append(_Step("name", quoted if quoted is not None else match.group("dquoted")))
    return Selector(text, tuple(steps))


def _children(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return list(value.values())
    if isinstance(value, list | tuple):
        return list(value)
    return []


def _descendants(value: Any) -> Iterator[Any]:
    yield value
    for child in _children(value):
        yield from _descendants(child)


def _apply(step: _Step, value: Any) -> list[Any]:
    if step.kind == "name":
        if isinstance(value, Mapping) and step.key in value:
            return [value[step.key]]
        return []
    if step.kind == "index":
        assert isinstance(step.key, int)
        if isinstance(value, list | tuple) and -len(value) <= step.key < len(value):
            return [value[step.key]]
        return []
    if step.kind == "all":
        return _children(value)
    found: list[Any] = []
    for node in _descendants(value):
        if step.key == "*":
            found.extend(_children(node))
        elif isinstance(node, Mapping) and step.key in node:
            found.append(node[step.key])
    return found


def select(document: Any, selector: Selector) -> tuple[bool, Any]:
    """(whether anything matched, the match: a list when the selector can match several)."""
    current = [document]
    for step in selector.steps:
        current = [found for value in current for found in _apply(step, value)]
    if selector.many:
        return True, current
    if not current:
        return False, None
    return True, current[0]


def plain(value: Any) -> Any:
    """A botocore response as JSON would carry it: timestamps as ISO strings, bytes as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def convert(name: str, type_name: str, value: Any) -> Any:
    """`value` as the declared Type; StepFailed when it is not of that kind."""
    if (
        type_name == "String"
        and isinstance(value, str | int | float)
        and not isinstance(value, bool)
    ):
        return str(value)
    if type_name == "Integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if type_name == "Integer" and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    if type_name == "Boolean" and isinstance(value, bool):
        return value
    if type_name == "StringList" and _is_string_list(value):
        return value
    if type_name == "StringMap" and isinstance(value, Mapping):
        return dict(value)
    if (
        type_name == "MapList"
        and isinstance(value, list)
        and all(isinstance(v, Mapping) for v in value)
    ):
        return value
    raise StepFailed(
        f"Output {name}: the value selected is a {type(value).__name__}, not a {type_name}."
    )


def outputs_of(document: Any, outputs: Sequence[DeclaredOutput]) -> dict[str, Any]:
    """The declared outputs selected from `document` (a response or a script's return value)."""
    values: dict[str, Any] = {}
    clean = plain(document)
    for output in outputs:
        found, value = select(clean, parse(output.selector))
        if found:
            values[output.name] = convert(output.name, output.type, value)
    return values


def declared(outputs: Sequence[Mapping[str, Any]]) -> tuple[DeclaredOutput, ...]:
    """A step's `outputs` list as the actions read it (Type String when the runbook omits it)."""
    return tuple(
        DeclaredOutput(str(o["Name"]), str(o.get("Selector", "")), str(o.get("Type", "String")))
        for o in outputs
    )


def check_declared(step_name: str, outputs: Sequence[Mapping[str, Any]]) -> None:
    """InvalidStep for a declared output whose Selector cannot parse or whose Type is unknown."""
    for output in declared(outputs):
        try:
            parse(output.selector)
        except ValueError as error:
            raise InvalidStep(f"Step {step_name}: output {output.name}: {error}") from None
        if output.type not in OUTPUT_TYPES:
            raise InvalidStep(
                f"Step {step_name}: output {output.name} has Type {output.type}; it is one of "
                f"{', '.join(OUTPUT_TYPES)}."
            )
