"""The Automation API: StartAutomationExecution, GetAutomationExecution,
DescribeAutomationExecutions, DescribeAutomationStepExecutions, StopAutomationExecution and
SendAutomationSignal, over the engine and the execution records. Requests are checked here (AWS's
errors); the engine runs the accepted ones."""

import json
import threading

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    DescribeAutomationExecutionsRequest,
    DescribeAutomationExecutionsResult,
    DescribeAutomationStepExecutionsRequest,
    DescribeAutomationStepExecutionsResult,
    GetAutomationExecutionRequest,
    GetAutomationExecutionResult,
    IdempotentParameterMismatch,
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
from localstack_ssm_docker.ssm.automation.records import automation_stores
from localstack_ssm_docker.ssm.automation.starter import AutomationStarter
from localstack_ssm_docker.ssm.integrations.caller_identity import caller_arn

DEFAULT_PAGE = 50


class AutomationHandlers:
    """The Automation operations of the SSM API."""

    def __init__(self, engine: AutomationEngine):
        self._engine = engine
        self._starter = AutomationStarter(engine)
        self._tokens_lock = threading.Lock()

    @handler("StartAutomationExecution", expand=False)
    def start_automation_execution(
        self, context: RequestContext, request: StartAutomationExecutionRequest
    ) -> StartAutomationExecutionResult:
        token = (request.get("ClientToken") or "").lower()
        if not token:
            return StartAutomationExecutionResult(
                AutomationExecutionId=self._start(context, request)
            )
        store = automation_stores[context.account_id][context.region]
        fingerprint = json.dumps(
            {k: v for k, v in request.items() if k != "ClientToken"}, sort_keys=True, default=str
        )
        with self._tokens_lock:
            if token in store.client_tokens:
                seen, execution_id = store.client_tokens[token]
                if seen != fingerprint:
                    raise IdempotentParameterMismatch(
                        "The ClientToken is already used by a request with other parameters."
                    )
                return StartAutomationExecutionResult(AutomationExecutionId=execution_id)
            execution_id = self._start(context, request)
            store.client_tokens[token] = (fingerprint, execution_id)
        return StartAutomationExecutionResult(AutomationExecutionId=execution_id)

    def _start(self, context: RequestContext, request: StartAutomationExecutionRequest) -> str:
        """Checks the request (AWS's errors) and starts the execution; its id."""
        prepared = self._starter.prepare(
            context.account_id, context.region, request, caller_arn(context)
        )
        return self._starter.start(prepared)

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
