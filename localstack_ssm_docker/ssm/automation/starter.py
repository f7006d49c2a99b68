"""StartAutomationExecution's checks, in one place for every caller that starts an execution:
the API, and State Manager's associations with an Automation document. A request is checked
(AWS's errors) and turned into the engine's `StartRequest`; nothing starts before it passes."""

from collections.abc import Mapping
from typing import Any

from localstack.aws.api.ssm import (
    InvalidAutomationExecutionParametersException,
    ValidationException,
)

from localstack_ssm_docker.ssm.automation.engine import AutomationEngine
from localstack_ssm_docker.ssm.automation.parameters import BoundParameters, bind_parameters
from localstack_ssm_docker.ssm.automation.ports import LoadedRunbook, StartRequest
from localstack_ssm_docker.ssm.automation.records import AUTO, INTERACTIVE
from localstack_ssm_docker.ssm.automation.runbook import Runbook

MODES = frozenset({AUTO, INTERACTIVE})


class AutomationStarter:
    """Checks StartAutomationExecution requests and starts them on the engine."""

    def __init__(self, engine: AutomationEngine):
        self._engine = engine

    def runbook(
        self, account_id: str, region: str, name: str, version: str | None
    ) -> LoadedRunbook:
        """The runbook a request names (AutomationDefinitionNotFoundException & co. else)."""
        return self._engine.runbook(account_id, region, name, version)

    def prepare(
        self,
        account_id: str,
        region: str,
        request: Mapping[str, Any],
        executed_by: str,
        association_id: str = "",
    ) -> StartRequest:
        """The request as the engine takes it; AWS's error for one the service refuses."""
        mode = request.get("Mode") or AUTO
        if mode not in MODES:
            raise ValidationException(f"Mode {mode} is not one of Auto, Interactive.")
        target_parameter = request.get("TargetParameterName") or ""
        targets = request.get("Targets") or []
        target_maps = request.get("TargetMaps") or []
        if targets and target_maps:
            raise ValidationException("Targets and TargetMaps cannot both be specified.")
        if targets and not target_parameter:
            raise ValidationException("TargetParameterName must be specified with Targets.")
        if target_parameter and not (targets or target_maps):
            raise ValidationException("TargetParameterName needs Targets or TargetMaps.")
        if (targets or target_maps) and mode == INTERACTIVE:
            raise ValidationException("Rate control runs in Auto mode only.")
        loaded = self.runbook(
            account_id, region, request["DocumentName"], request.get("DocumentVersion")
        )
        given = dict(request.get("Parameters") or {})
        if target_parameter and target_parameter not in loaded.runbook.parameters:
            raise InvalidAutomationExecutionParametersException(
                f"TargetParameterName {target_parameter} is not a parameter of the document."
            )
        return StartRequest(
            account_id=account_id,
            region=region,
            loaded=loaded,
            parameters=_bind(loaded.runbook, given, target_parameter, target_maps),
            executed_by=executed_by,
            mode=mode,
            tags=tuple({"Key": t["Key"], "Value": t["Value"]} for t in request.get("Tags") or []),
            target_parameter_name=target_parameter,
            targets=tuple(dict(t) for t in targets),
            target_maps=tuple(dict(m) for m in target_maps),
            max_concurrency=request.get("MaxConcurrency") or "",
            max_errors=request.get("MaxErrors") or "",
            association_id=association_id,
        )

    def start(self, request: StartRequest) -> str:
        """Starts a prepared request; the execution's id."""
        return self._engine.start(request)


def _bind(
    runbook: Runbook, given: dict, target_parameter: str, target_maps: list
) -> BoundParameters:
    """The parameters as given; for rate control, those each child gets its own values for
    are checked with a child's (the first target map's, or a stand-in target)."""
    if not (target_parameter or target_maps):
        return bind_parameters(runbook, given)
    stand_in = dict(target_maps[0]) if target_maps else {target_parameter: ["target"]}
    bind_parameters(runbook, {**given, **stand_in})
    shared = {k: v for k, v in given.items() if k not in stand_in}
    return BoundParameters({**shared}, {})
