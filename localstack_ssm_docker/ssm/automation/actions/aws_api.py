"""aws:executeAwsApi, aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty.

Each calls one operation of any service with the step's other inputs as the operation's
parameters. executeAwsApi returns the step's declared outputs picked from the response;
the other two compare the value at PropertySelector with DesiredValues, the wait polling until
it matches (or the step is cancelled or times out), the assert failing at once when it does not.
"""

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from localstack_ssm_docker.ssm.automation.actions import api_calls, input_checks, selectors, waiting
from localstack_ssm_docker.ssm.automation.actions.base import InvalidStep, StepContext, StepFailed

_CALL_INPUTS = ("Service", "Api")
_PROPERTY_INPUTS = ("PropertySelector", "DesiredValues")


def _parameters(inputs: Mapping[str, Any], own: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in inputs.items() if k not in own}


def _check_call(action: str, step_name: str, inputs: Mapping[str, Any]) -> None:
    input_checks.require(action, step_name, inputs, *_CALL_INPUTS)
    api_calls.check_call(action, step_name, inputs["Service"], inputs["Api"])


class ExecuteAwsApi:
    """Calls the operation; outputs are the step's declared ones, selected from the response."""

    name: ClassVar[str] = "aws:executeAwsApi"

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        _check_call(self.name, step_name, inputs)

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        response = api_calls.call(
            context.clients,
            inputs["Service"],
            inputs["Api"],
            _parameters(inputs, _CALL_INPUTS),
        )
        return selectors.outputs_of(response, context.outputs)


def _text(value: Any) -> str:
    """A selected value as DesiredValues spell it: booleans lower-case, maps and lists as JSON."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


class _PropertyCheck:
    """The shared part of the wait and the assert: one call, the selected value, the comparison."""

    name: ClassVar[str]

    def check(self, step_name: str, inputs: Mapping[str, Any]) -> None:
        _check_call(self.name, step_name, inputs)
        input_checks.require(self.name, step_name, inputs, *_PROPERTY_INPUTS)
        input_checks.kinds(self.name, step_name, inputs, PropertySelector="String")
        input_checks.kinds(self.name, step_name, inputs, DesiredValues="StringList")
        selector = inputs["PropertySelector"]
        if not input_checks.is_reference(selector):
            try:
                selectors.parse(selector)
            except ValueError as error:
                raise InvalidStep(f"Step {step_name}: PropertySelector: {error}") from None

    def _observe(self, inputs: Mapping[str, Any], context: StepContext) -> tuple[bool, str]:
        """(whether the property has a desired value, the value as text for messages)."""
        response = api_calls.call(
            context.clients,
            inputs["Service"],
            inputs["Api"],
            _parameters(inputs, _CALL_INPUTS + _PROPERTY_INPUTS),
        )
        selector = selectors.parse(inputs["PropertySelector"])
        found, value = selectors.select(selectors.plain(response), selector)
        desired = set(input_checks.string_list(inputs["DesiredValues"]))
        if not found:
            return False, "nothing"
        if selector.many:
            texts = [_text(v) for v in value]
            return bool(texts) and all(t in desired for t in texts), json.dumps(texts)
        return _text(value) in desired, _text(value)


class WaitForAwsResourceProperty(_PropertyCheck):
    """Polls the operation until the selected property has one of DesiredValues."""

    name: ClassVar[str] = "aws:waitForAwsResourceProperty"

    def __init__(self, interval: float = 1.0) -> None:
        self._interval = interval

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        def matched() -> bool | None:
            return True if self._observe(inputs, context)[0] else None

        waiting.until(context, matched, self._interval)
        return {}


class AssertAwsResourceProperty(_PropertyCheck):
    """Fails the step unless the selected property has one of DesiredValues now."""

    name: ClassVar[str] = "aws:assertAwsResourceProperty"

    def run(self, inputs: Mapping[str, Any], context: StepContext) -> Mapping[str, Any]:
        matched, actual = self._observe(inputs, context)
        if not matched:
            raise StepFailed(
                f"Asserted property {inputs['PropertySelector']} is {actual}, "
                f"not one of {input_checks.string_list(inputs['DesiredValues'])}."
            )
        return {}
