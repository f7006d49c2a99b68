"""StartAutomationExecution's Parameters bound to the document's `parameters`: each given value
checked against its declared type, allowedValues and allowedPattern, the defaults filled in.

The API carries every value as a list of strings; a runbook's references see them typed (a
String as a string, an Integer as a number, a StringList as a list, a StringMap as a map), as
AWS hands them to actions.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from localstack.aws.api.ssm import InvalidAutomationExecutionParametersException

from localstack_ssm_docker.ssm.automation.references import as_text, references_in
from localstack_ssm_docker.ssm.automation.runbook import ParameterSpec, Runbook


@dataclass(frozen=True)
class BoundParameters:
    """The parameters of one execution: as the API shows them, and typed."""

    as_given: Mapping[str, list[str]]
    typed: Mapping[str, Any]


def bind_parameters(runbook: Runbook, given: Mapping[str, list[str]] | None) -> BoundParameters:
    """The execution's parameters; InvalidAutomationExecutionParametersException as AWS words it
    for an undeclared, missing or ill-typed one."""
    given = dict(given or {})
    unknown = sorted(set(given) - set(runbook.parameters))
    if unknown:
        raise InvalidAutomationExecutionParametersException(
            f'Parameter "{unknown[0]}" is not defined in the document\'s parameters.'
        )
    as_given: dict[str, list[str]] = {}
    typed: dict[str, Any] = {}
    for name, spec in runbook.parameters.items():
        if name in given:
            values = [str(v) for v in given[name]]
            typed[name] = _typed(spec, values)
            as_given[name] = values
        elif spec.has_default:
            typed[name] = _default(spec)
            as_given[name] = _as_list(typed[name])
        else:
            raise InvalidAutomationExecutionParametersException(
                f'Parameter "{name}" is required but was not provided.'
            )
        _check_allowed(spec, as_given[name])
    return BoundParameters(as_given, typed)


def _typed(spec: ParameterSpec, values: list[str]) -> Any:
    if spec.type == "StringList":
        return values
    if spec.type == "MapList":
        try:
            return [json.loads(v) for v in values]
        except ValueError:
            raise _invalid(spec, values) from None
    if len(values) != 1:
        raise InvalidAutomationExecutionParametersException(
            f'Parameter "{spec.name}" is of type {spec.type} and takes exactly one value.'
        )
    value = values[0]
    if _is_reference(value):
        return value
    try:
        if spec.type == "Integer":
            return int(value)
        if spec.type == "Boolean":
            if value.lower() not in ("true", "false"):
                raise ValueError(value)
            return value.lower() == "true"
        if spec.type == "StringMap":
            loaded = json.loads(value)
            if not isinstance(loaded, dict):
                raise ValueError(value)
            return loaded
    except ValueError:
        raise _invalid(spec, values) from None
    return value


def _default(spec: ParameterSpec) -> Any:
    default = spec.default
    if spec.type == "StringList" and isinstance(default, str):
        return [default]
    if spec.type == "Integer" and isinstance(default, str) and default.lstrip("-").isdigit():
        return int(default)
    return default


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [as_text(v) for v in value]
    return [as_text(value)] if value is not None and value != "" else []


def _check_allowed(spec: ParameterSpec, values: list[str]) -> None:
    for value in values:
        if spec.allowed_values and value not in spec.allowed_values:
            raise InvalidAutomationExecutionParametersException(
                f'Parameter "{spec.name}" has value "{value}" not in its allowedValues: '
                f"{list(spec.allowed_values)}."
            )
        if spec.allowed_pattern and not re.fullmatch(spec.allowed_pattern, value):
            raise InvalidAutomationExecutionParametersException(
                f'Parameter "{spec.name}" has value "{value}" not matching its '
                f"allowedPattern: {spec.allowed_pattern}."
            )


def _is_reference(value: str) -> bool:
    return any(True for _ in references_in(value))


def _invalid(
    spec: ParameterSpec, values: list[str]
) -> InvalidAutomationExecutionParametersException:
    return InvalidAutomationExecutionParametersException(
        f'Parameter "{spec.name}" is of type {spec.type}; {values} is not a valid value.'
    )
