"""An Automation document (schemaVersion 0.3) as the engine reads it: parameters, steps and
outputs, parsed once from the document's content into immutable values.

Parsing takes the shape apart and nothing more; whether the steps make sense together (actions
known, references resolvable, targets existing, no cycle) is `validation.py`'s rule.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

SCHEMA_VERSION = "0.3"
ABORT = "Abort"
CONTINUE = "Continue"
STEP_PREFIX = "step:"
PARAMETER_TYPES = frozenset({"String", "StringList", "Integer", "Boolean", "MapList", "StringMap"})


class MalformedRunbook(ValueError):
    """The content is not an Automation document; the message says where."""


@dataclass(frozen=True)
class ParameterSpec:
    """One of the document's `parameters`."""

    name: str
    type: str
    default: Any = None
    has_default: bool = False
    allowed_values: tuple[str, ...] = ()
    allowed_pattern: str = ""
    description: str = ""


@dataclass(frozen=True)
class StepSpec:
    """One of the document's `mainSteps`."""

    name: str
    action: str
    inputs: Mapping[str, Any]
    on_failure: str = ABORT
    on_cancel: str = ABORT
    is_critical: bool = True
    is_end: bool = False
    next_step: str | None = None
    max_attempts: int = 1
    timeout_seconds: int | None = None
    outputs: tuple[Mapping[str, Any], ...] = ()
    """The step's declared `outputs` (Name, Selector, Type), for actions that select them."""


@dataclass(frozen=True)
class Runbook:
    """A parsed Automation document."""

    assume_role: str
    parameters: Mapping[str, ParameterSpec]
    steps: tuple[StepSpec, ...]
    outputs: tuple[str, ...]

    def step(self, name: str) -> StepSpec | None:
        """The step called `name`, if there is one."""
        return next((s for s in self.steps if s.name == name), None)

    def after(self, name: str) -> StepSpec | None:
        """The step listed after `name`, if any."""
        names = [s.name for s in self.steps]
        index = names.index(name) + 1
        return self.steps[index] if index < len(self.steps) else None


def content_of(text: str, content_format: str | None) -> dict:
    """The document's content as a dict, from JSON or YAML (DocumentFormat)."""
    try:
        loaded = yaml.safe_load(text) if content_format == "YAML" else json.loads(text)
    except (ValueError, yaml.YAMLError) as e:
        raise MalformedRunbook(f"The content is not valid {content_format or 'JSON'}: {e}") from e
    if not isinstance(loaded, dict):
        raise MalformedRunbook("The document content must be an object.")
    return loaded


def parse_runbook(content: Mapping[str, Any]) -> Runbook:
    """The runbook in `content`; MalformedRunbook for a shape that is not one."""
    if str(content.get("schemaVersion")) != SCHEMA_VERSION:
        raise MalformedRunbook("Automation documents must have schemaVersion 0.3.")
    steps = content.get("mainSteps")
    if not isinstance(steps, list) or not steps:
        raise MalformedRunbook("mainSteps must be a non-empty list of steps.")
    parsed = tuple(_step(index, raw) for index, raw in enumerate(steps))
    names = [s.name for s in parsed]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise MalformedRunbook(f"Step name {duplicates[0]} is used by more than one step.")
    raw_parameters = content.get("parameters") or {}
    if not isinstance(raw_parameters, dict):
        raise MalformedRunbook("parameters must be an object.")
    outputs = content.get("outputs") or []
    if not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs):
        raise MalformedRunbook("outputs must be a list of step outputs (Step.Output).")
    return Runbook(
        assume_role=str(content.get("assumeRole") or ""),
        parameters={n: _parameter(n, p) for n, p in raw_parameters.items()},
        steps=parsed,
        outputs=tuple(outputs),
    )


def _parameter(name: str, raw: Any) -> ParameterSpec:
    if not isinstance(raw, dict):
        raise MalformedRunbook(f"Parameter {name} must be an object.")
    kind = raw.get("type")
    if kind not in PARAMETER_TYPES:
        raise MalformedRunbook(
            f"Parameter {name} has type {kind}; the types are {', '.join(sorted(PARAMETER_TYPES))}."
        )
    return ParameterSpec(
        name=name,
        type=kind,
        default=raw.get("default"),
        has_default="default" in raw,
        allowed_values=tuple(str(v) for v in raw.get("allowedValues") or ()),
        allowed_pattern=str(raw.get("allowedPattern") or ""),
        description=str(raw.get("description") or ""),
    )


def _step(index: int, raw: Any) -> StepSpec:
    if not isinstance(raw, dict):
        raise MalformedRunbook(f"Step {index + 1} of mainSteps must be an object.")
    name, action = raw.get("name"), raw.get("action")
    if not isinstance(name, str) or not name:
        raise MalformedRunbook(f"Step {index + 1} of mainSteps has no name.")
    if not isinstance(action, str) or not action:
        raise MalformedRunbook(f"Step {name} has no action.")
    inputs = raw.get("inputs") or {}
    if not isinstance(inputs, dict):
        raise MalformedRunbook(f"Step {name}: inputs must be an object.")
    try:
        max_attempts = int(raw.get("maxAttempts", 1))
        timeout = raw.get("timeoutSeconds")
        timeout_seconds = None if timeout is None else int(timeout)
    except (TypeError, ValueError):
        raise MalformedRunbook(
            f"Step {name}: maxAttempts and timeoutSeconds are integers."
        ) from None
    if max_attempts < 1 or (timeout_seconds is not None and timeout_seconds < 1):
        raise MalformedRunbook(f"Step {name}: maxAttempts and timeoutSeconds must be positive.")
    outputs = raw.get("outputs") or []
    if not isinstance(outputs, list) or not all(
        isinstance(o, dict) and isinstance(o.get("Name"), str) for o in outputs
    ):
        raise MalformedRunbook(f"Step {name}: outputs must be a list of objects with a Name.")
    return StepSpec(
        name=name,
        action=action,
        inputs=inputs,
        on_failure=str(raw.get("onFailure") or ABORT),
        on_cancel=str(raw.get("onCancel") or ABORT),
        is_critical=_flag(raw.get("isCritical", True)),
        is_end=_flag(raw.get("isEnd", False)),
        next_step=raw.get("nextStep"),
        max_attempts=max_attempts,
        timeout_seconds=timeout_seconds,
        outputs=tuple(outputs),
    )


def _flag(value: Any) -> bool:
    return value.lower() == "true" if isinstance(value, str) else bool(value)


def step_target(directive: str) -> str | None:
    """The step that `onFailure`/`onCancel` value names (`step:Name`), else None."""
    return directive[len(STEP_PREFIX) :] if directive.startswith(STEP_PREFIX) else None
