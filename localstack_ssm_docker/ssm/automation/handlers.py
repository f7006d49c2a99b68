"""The Automation API: StartAutomationExecution, GetAutomationExecution,
DescribeAutomationExecutions, DescribeAutomationStepExecutions, StopAutomationExecution and
SendAutomationSignal, over the engine and the execution records. Requests are checked here (AWS's
errors); the engine runs the accepted ones."""

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    DescribeAutomationExecutionsRequest,
    DescribeAutomationExecutionsResult,
    DescribeAutomationStepExecutionsRequest,
    DescribeAutomationStepExecutionsResult,
    GetAutomationExecutionRequest,
    GetAutomationExecutionResult,
    InvalidAutomationExecutionParametersException,
    SendAutomationSignalRequest,
    SendAutomationSignalResult,
    StartAutomationExecutionRequest,
    StartAutomationExecutionResult,
    StopAutomationExecutionRequest,
    StopAutomationExecutionResult,
    ValidationException,
)

from localstack_ssm_docker.ssm.api.pagination import paginate
from localstack_ssm_docker.ssm.automation import shapes
from localstack_ssm_docker.ssm.automation.engine import AutomationEngine
from localstack_ssm_docker.ssm.automation.filters import execution_predicates, step_predicates
from localstack_ssm_docker.ssm.automation.parameters import BoundParameters, bind_parameters
from localstack_ssm_docker.ssm.automation.ports import StartRequest
from localstack_ssm_docker.ssm.automation.records import AUTO, INTERACTIVE, automation_stores
from localstack_ssm_docker.ssm.integrations.caller_identity import caller_arn

DEFAULT_PAGE = 50
MODES = frozenset({AUTO, INTERACTIVE})


class AutomationHandlers:
    """The Automation operations of the SSM API."""

    def __init__(self, engine: AutomationEngine):
        self._engine = engine

    @handler("StartAutomationExecution", expand=False)
    def start_automation_execution(
        self, context: RequestContext, request: StartAutomationExecutionRequest
    ) -> StartAutomationExecutionResult:
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
        loaded = self._engine.runbook(
            context.account_id,
            context.region,
            request["DocumentName"],
            request.get("DocumentVersion"),
        )
        given = dict(request.get("Parameters") or {})
        if target_parameter and target_parameter not in loaded.runbook.parameters:
            raise InvalidAutomationExecutionParametersException(
                f"TargetParameterName {target_parameter} is not a parameter of the document."
            )
        parameters = self._bind(loaded.runbook, given, target_parameter, target_maps)
        execution_id = self._engine.start(
            StartRequest(
                account_id=context.account_id,
                region=context.region,
                loaded=loaded,
                parameters=parameters,
                executed_by=caller_arn(context),
                mode=mode,
                tags=tuple(
                    {"Key": t["Key"], "Value": t["Value"]} for t in request.get("Tags") or []
                ),
                target_parameter_name=target_parameter,
                targets=tuple(dict(t) for t in targets),
                target_maps=tuple(dict(m) for m in target_maps),
                max_concurrency=request.get("MaxConcurrency") or "",
                max_errors=request.get("MaxErrors") or "",
            )
        )
        return StartAutomationExecutionResult(AutomationExecutionId=execution_id)

    @staticmethod
    def _bind(runbook, given: dict, target_parameter: str, target_maps: list) -> BoundParameters:
        """The parameters as given; for rate control, those each child gets its own values for
        are checked with a child's (the first target map's, or a stand-in target)."""
        if not (target_parameter or target_maps):
            return bind_parameters(runbook, given)
        stand_in = dict(target_maps[0]) if target_maps else {target_parameter: ["target"]}
        bind_parameters(runbook, {**given, **stand_in})
        shared = {k: v for k, v in given.items() if k not in stand_in}
        return BoundParameters({**shared}, {})

    @handler("GetAutomationExecution", expand=False)
    def get_automation_execution(
        self, context: RequestContext, request: GetAutomationExecutionRequest
    ) -> GetAutomationExecutionResult:
        record = self._engine.execution(
            context.account_id, context.region, request["AutomationExecutionId"]
        )
        return GetAutomationExecutionResult(
            AutomationExecution=shapes.execution_shape(context.account_id, context.region, record)
        )

    @handler("DescribeAutomationExecutions", expand=False)
    def describe_automation_executions(
        self, context: RequestContext, request: DescribeAutomationExecutionsRequest
    ) -> DescribeAutomationExecutionsResult:
        predicates = execution_predicates(request.get("Filters"))
        executions = automation_stores[context.account_id][context.region].executions
        matching = [e for e in list(executions.values()) if all(p(e) for p in predicates)]
        page, token = paginate(
            matching,
            key=lambda e: (-e.started_at, e.execution_id),
            max_results=request.get("MaxResults") or DEFAULT_PAGE,
            next_token=request.get("NextToken"),
        )
        result = DescribeAutomationExecutionsResult(
            AutomationExecutionMetadataList=[shapes.metadata_shape(e) for e in page]
        )
        if token:
            result["NextToken"] = token
        return result

    @handler("DescribeAutomationStepExecutions", expand=False)
    def describe_automation_step_executions(
        self, context: RequestContext, request: DescribeAutomationStepExecutionsRequest
    ) -> DescribeAutomationStepExecutionsResult:
        record = self._engine.execution(
            context.account_id, context.region, request["AutomationExecutionId"]
        )
        predicates = step_predicates(request.get("Filters"))
        sign = -1 if request.get("ReverseOrder") else 1
        numbered = [
            (index, s) for index, s in enumerate(record.steps) if all(p(s) for p in predicates)
        ]
        page, token = paginate(
            numbered,
            key=lambda pair: (sign * pair[0],),
            max_results=request.get("MaxResults") or DEFAULT_PAGE,
            next_token=request.get("NextToken"),
        )
        result = DescribeAutomationStepExecutionsResult(
            StepExecutions=[shapes.step_shape(s) for _, s in page]
        )
        if token:
            result["NextToken"] = token
        return result

    @handler("StopAutomationExecution", expand=False)
    def stop_automation_execution(
        self, context: RequestContext, request: StopAutomationExecutionRequest
    ) -> StopAutomationExecutionResult:
        stop_type = request.get("Type") or "Cancel"
        if stop_type not in ("Cancel", "Complete"):
            raise ValidationException(f"Type {stop_type} is not one of Cancel, Complete.")
        self._engine.stop(context.account_id, context.region, request["AutomationExecutionId"])
        return StopAutomationExecutionResult()

    @handler("SendAutomationSignal", expand=False)
    def send_automation_signal(
        self, context: RequestContext, request: SendAutomationSignalRequest
    ) -> SendAutomationSignalResult:
        self._engine.signal(
            context.account_id,
            context.region,
            request["AutomationExecutionId"],
            request["SignalType"],
            dict(request.get("Payload") or {}),
            caller_arn(context),
        )
        return SendAutomationSignalResult()
