"""LocalStack's SSM provider with Run Command that really runs: thin handlers over documents,
instances, the executor and the store. Every other SSM operation is LocalStack's own."""

import time
import uuid
from collections.abc import Callable

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    DescribeInstanceInformationRequest,
    DescribeInstanceInformationResult,
    DuplicateInstanceId,
    GetCommandInvocationRequest,
    GetCommandInvocationResult,
    InvalidPluginName,
    InvocationDoesNotExist,
    ListCommandInvocationsRequest,
    ListCommandInvocationsResult,
    ListCommandsRequest,
    ListCommandsResult,
    SendCommandRequest,
    SendCommandResult,
    ValidationException,
)
from localstack.services.plugins import ServiceLifecycleHook
from localstack.services.ssm.provider import SsmProvider

from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.ssm import shapes
from localstack_ssm_docker.ssm.documents import plan_command
from localstack_ssm_docker.ssm.executor import CommandExecutor, Target
from localstack_ssm_docker.ssm.instance_filters import build_predicates
from localstack_ssm_docker.ssm.instances import InstanceDirectory
from localstack_ssm_docker.ssm.models import Command, RunCommandStore, run_command_stores
from localstack_ssm_docker.ssm.pagination import paginate
from localstack_ssm_docker.ssm.status import limit_for, summarize
from localstack_ssm_docker.ssm.validation import (
    DOCUMENT_NAME_PATTERN,
    DOCUMENT_VERSION_PATTERN,
    MAX_CONCURRENCY_PATTERN,
    MAX_ERRORS_PATTERN,
    Checks,
)

DEFAULT_TIMEOUT_SECONDS = 3600
DEFAULT_MAX_CONCURRENCY = "50"
DEFAULT_MAX_ERRORS = "0"
DEFAULT_INSTANCE_PAGE = 10
DEFAULT_COMMAND_PAGE = 50


class SsmDockerProvider(SsmProvider, ServiceLifecycleHook):
    """SendCommand, GetCommandInvocation, ListCommands, ListCommandInvocations and
    DescribeInstanceInformation over Docker-backed instances."""

    def __init__(
        self,
        instances: InstanceDirectory,
        executor: CommandExecutor,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__()
        self._instances = instances
        self._executor = executor
        self._clock = clock

    def on_before_stop(self):
        self._executor.shutdown()

    @staticmethod
    def _store(context: RequestContext) -> RunCommandStore:
        return run_command_stores[context.account_id][context.region]

    @handler("SendCommand", expand=False)
    def send_command(
        self, context: RequestContext, request: SendCommandRequest
    ) -> SendCommandResult:
        _check_send_command(request)
        instance_ids = request.get("InstanceIds") or []
        if request.get("Targets"):
            raise ValidationException(
                "Targets are not supported yet by localstack-ssm-docker: use InstanceIds."
            )
        if not instance_ids:
            raise ValidationException("Either InstanceIds or Targets must be specified.")
        duplicates = sorted({i for i in instance_ids if instance_ids.count(i) > 1})
        if duplicates:
            raise DuplicateInstanceId(f"Instance Ids {duplicates} are duplicated in the request.")
        plan = plan_command(request["DocumentName"], request.get("Parameters"))
        records = self._instances.require_online(context.account_id, context.region, instance_ids)

        command = Command(
            command_id=str(uuid.uuid4()),
            document_name=request["DocumentName"],
            document_version=request.get("DocumentVersion", ""),
            comment=request.get("Comment", ""),
            parameters=request.get("Parameters") or {},
            instance_ids=instance_ids,
            targets=[],
            requested_at=self._clock(),
            timeout_seconds=request.get("TimeoutSeconds", DEFAULT_TIMEOUT_SECONDS),
            execution_timeout=plan.execution_timeout,
            max_concurrency=request.get("MaxConcurrency", DEFAULT_MAX_CONCURRENCY),
            max_errors=request.get("MaxErrors", DEFAULT_MAX_ERRORS),
            plugin_name=plan.plugin_name,
            output_s3_region=request.get("OutputS3Region", context.region),
            output_s3_bucket_name=request.get("OutputS3BucketName", ""),
            output_s3_key_prefix=request.get("OutputS3KeyPrefix", ""),
            service_role=request.get("ServiceRoleArn", ""),
            notification_config=dict(request.get("NotificationConfig") or {}),
            cloudwatch_output_config=dict(request.get("CloudWatchOutputConfig") or {}),
        )
        targets = [Target(iid, records[iid].container_id) for iid in instance_ids]
        store = self._store(context)
        self._executor.submit(store, context.region, command, plan, targets)
        return SendCommandResult(Command=self._command_shape(store, command))

    @handler("GetCommandInvocation", expand=False)
    def get_command_invocation(
        self, context: RequestContext, request: GetCommandInvocationRequest
    ) -> GetCommandInvocationResult:
        checks = Checks()
        checks.command_id(request["CommandId"])
        checks.instance_id(request["InstanceId"])
        checks.length(request.get("PluginName"), "pluginName", 4)
        checks.raise_if_any()
        store = self._store(context)
        command = store.commands.get(request["CommandId"])
        invocation = store.invocations.get(request["CommandId"], {}).get(request["InstanceId"])
        if command is None or invocation is None:
            raise InvocationDoesNotExist()
        plugin_name = request.get("PluginName")
        if plugin_name is not None and plugin_name != command.plugin_name:
            raise InvalidPluginName(f"The plugin name {plugin_name} is not valid.")
        return shapes.invocation_result(command, invocation)

    @handler("ListCommandInvocations", expand=False)
    def list_command_invocations(
        self, context: RequestContext, request: ListCommandInvocationsRequest
    ) -> ListCommandInvocationsResult:
        _check_list_request(request)
        store = self._store(context)
        commands = _commands_of(store, request.get("CommandId"))
        instance_id = request.get("InstanceId")
        entries = [
            (command, invocation)
            for command in commands
            for invocation in store.invocations[command.command_id].values()
            if instance_id is None or invocation.instance_id == instance_id
        ]
        page, token = paginate(
            entries,
            key=lambda e: (-e[0].requested_at, e[0].command_id, e[1].instance_id),
            max_results=request.get("MaxResults", DEFAULT_COMMAND_PAGE),
            next_token=request.get("NextToken"),
        )
        records = instance_stores[context.account_id][context.region].instances
        details = bool(request.get("Details"))
        result = ListCommandInvocationsResult(
            CommandInvocations=[
                shapes.command_invocation(
                    command,
                    invocation,
                    getattr(records.get(invocation.instance_id), "computer_name", ""),
                    details,
                )
                for command, invocation in page
            ]
        )
        if token:
            result["NextToken"] = token
        return result

    @handler("ListCommands", expand=False)
    def list_commands(
        self, context: RequestContext, request: ListCommandsRequest
    ) -> ListCommandsResult:
        _check_list_request(request)
        store = self._store(context)
        instance_id = request.get("InstanceId")
        commands = [
            c
            for c in _commands_of(store, request.get("CommandId"))
            if instance_id is None or instance_id in store.invocations[c.command_id]
        ]
        page, token = paginate(
            commands,
            key=lambda c: (-c.requested_at, c.command_id),
            max_results=request.get("MaxResults", DEFAULT_COMMAND_PAGE),
            next_token=request.get("NextToken"),
        )
        result = ListCommandsResult(Commands=[self._command_shape(store, c) for c in page])
        if token:
            result["NextToken"] = token
        return result

    @handler("DescribeInstanceInformation", expand=False)
    def describe_instance_information(
        self, context: RequestContext, request: DescribeInstanceInformationRequest
    ) -> DescribeInstanceInformationResult:
        checks = Checks()
        max_results = request.get("MaxResults")
        checks.range(max_results, "maxResults", 5, 50)
        checks.raise_if_any()
        predicates = build_predicates(
            request.get("Filters"), request.get("InstanceInformationFilterList")
        )
        instances = [
            m
            for m in self._instances.managed_instances(context.account_id, context.region)
            if all(p(m) for p in predicates)
        ]
        page, token = paginate(
            instances,
            key=lambda m: (m.record.launched_at, m.record.instance_id),
            max_results=max_results or DEFAULT_INSTANCE_PAGE,
            next_token=request.get("NextToken"),
        )
        now = self._clock()
        result = DescribeInstanceInformationResult(
            InstanceInformationList=[shapes.instance_information(m, now) for m in page]
        )
        if token:
            result["NextToken"] = token
        return result

    @staticmethod
    def _command_shape(store: RunCommandStore, command: Command):
        invocations = store.invocations[command.command_id].values()
        max_errors = limit_for(command.max_errors, len(invocations))
        return shapes.command_shape(command, summarize(invocations, max_errors))


def _commands_of(store: RunCommandStore, command_id: str | None) -> list[Command]:
    """All commands, or the one named (none when it is unknown)."""
    if command_id is None:
        return list(store.commands.values())
    command = store.commands.get(command_id)
    return [command] if command else []


def _check_send_command(request: SendCommandRequest) -> None:
    checks = Checks()
    checks.instance_ids(request.get("InstanceIds"), "instanceIds")
    checks.length(request.get("Targets"), "targets", 0, 5)
    checks.pattern(request["DocumentName"], "documentName", DOCUMENT_NAME_PATTERN)
    checks.pattern(request.get("DocumentVersion"), "documentVersion", DOCUMENT_VERSION_PATTERN)
    checks.length(request.get("DocumentHash"), "documentHash", 0, 256)
    checks.range(request.get("TimeoutSeconds"), "timeoutSeconds", 30, 2592000)
    checks.length(request.get("Comment"), "comment", 0, 100)
    checks.length(request.get("MaxConcurrency"), "maxConcurrency", 1, 7)
    checks.pattern(request.get("MaxConcurrency"), "maxConcurrency", MAX_CONCURRENCY_PATTERN)
    checks.length(request.get("MaxErrors"), "maxErrors", 1, 7)
    checks.pattern(request.get("MaxErrors"), "maxErrors", MAX_ERRORS_PATTERN)
    checks.length(request.get("OutputS3Region"), "outputS3Region", 3, 20)
    checks.length(request.get("OutputS3BucketName"), "outputS3BucketName", 3, 63)
    checks.length(request.get("OutputS3KeyPrefix"), "outputS3KeyPrefix", 0, 500)
    checks.raise_if_any()


def _check_list_request(request: ListCommandsRequest | ListCommandInvocationsRequest) -> None:
    checks = Checks()
    checks.command_id(request.get("CommandId"))
    checks.instance_id(request.get("InstanceId"))
    checks.range(request.get("MaxResults"), "maxResults", 1, 50)
    checks.raise_if_any()
