"""LocalStack's SSM provider with Run Command that really runs: thin handlers over documents,
instances, the executor and the store. Every other SSM operation is LocalStack's own."""

import time
import uuid
from collections.abc import Callable

import yaml
from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    CancelCommandRequest,
    CancelCommandResult,
    DescribeDocumentRequest,
    DescribeDocumentResult,
    DescribeInstanceInformationRequest,
    DescribeInstanceInformationResult,
    DuplicateInstanceId,
    GetCommandInvocationRequest,
    GetCommandInvocationResult,
    GetDocumentRequest,
    GetDocumentResult,
    InvalidCommandId,
    InvalidInstanceId,
    InvalidNextToken,
    InvalidOutputFolder,
    InvalidPluginName,
    InvocationDoesNotExist,
    ListCommandInvocationsRequest,
    ListCommandInvocationsResult,
    ListCommandsRequest,
    ListCommandsResult,
    ListDocumentsRequest,
    ListDocumentsResult,
    SendCommandRequest,
    SendCommandResult,
    ValidationException,
)
from localstack.services.moto import call_moto
from localstack.services.plugins import ServiceLifecycleHook
from localstack.services.ssm.provider import SsmProvider

from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.engine.errors import (
    EngineUnavailable,
)
from localstack_ssm_docker.persistence import StateDirectory
from localstack_ssm_docker.ssm.api import shapes
from localstack_ssm_docker.ssm.api.command_filters import build_filter
from localstack_ssm_docker.ssm.api.history_pages import command_page, invocation_page
from localstack_ssm_docker.ssm.api.instance_filters import build_predicates
from localstack_ssm_docker.ssm.api.pagination import paginate
from localstack_ssm_docker.ssm.api.validation import (
    DOCUMENT_NAME_PATTERN,
    DOCUMENT_VERSION_PATTERN,
    MAX_CONCURRENCY_PATTERN,
    MAX_ERRORS_PATTERN,
    Checks,
)
from localstack_ssm_docker.ssm.documents import aws_owned
from localstack_ssm_docker.ssm.documents.plan import document_name_of, plan_command
from localstack_ssm_docker.ssm.exceptions import EngineUnavailableError
from localstack_ssm_docker.ssm.history import restore_history, save_history
from localstack_ssm_docker.ssm.integrations.documents import load_document
from localstack_ssm_docker.ssm.integrations.output_sink import bucket_exists
from localstack_ssm_docker.ssm.integrations.resource_groups import group_tag_filters
from localstack_ssm_docker.ssm.models import (
    Command,
    Invocation,
    RunCommandStore,
    run_command_stores,
)
from localstack_ssm_docker.ssm.run.executor import CommandExecutor, Scope, Target
from localstack_ssm_docker.ssm.run.status import CommandSummary, max_errors_for, summarize
from localstack_ssm_docker.ssm.sessions.api import SessionManagerApi
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory
from localstack_ssm_docker.ssm.targeting.targets import resolve_targets

DEFAULT_TIMEOUT_SECONDS = 3600
DEFAULT_MAX_CONCURRENCY = "50"
DEFAULT_MAX_ERRORS = "0"
DEFAULT_INSTANCE_PAGE = 10
DEFAULT_COMMAND_PAGE = 50


class SsmDockerProvider(SessionManagerApi, SsmProvider, ServiceLifecycleHook):
    """SendCommand, GetCommandInvocation, ListCommands, ListCommandInvocations and
    DescribeInstanceInformation over Docker-backed instances."""

    def __init__(
        self,
        instances: InstanceDirectory,
        executor: CommandExecutor,
        clock: Callable[[], float] = time.time,
        instance_manager: InstanceManager | None = None,
        state: StateDirectory | None = None,
    ):
        super().__init__()
        self._instances = instances
        self._executor = executor
        self._clock = clock
        self._instance_manager = instance_manager
        self._state = state

    def on_before_start(self):
        if self._instance_manager is not None:
            self._instance_manager.recover()
        if self._state is not None:
            restore_history(self._state, self._clock())

    def on_before_stop(self):
        self._executor.shutdown()
        if self._state is not None:
            save_history(self._state)
        if self._instance_manager is not None:
            self._instance_manager.shutdown()

    @staticmethod
    def _store(context: RequestContext) -> RunCommandStore:
        return run_command_stores[context.account_id][context.region]

    @handler("SendCommand", expand=False)
    def send_command(
        self, context: RequestContext, request: SendCommandRequest
    ) -> SendCommandResult:
        _check_send_command(request)
        instance_ids = request.get("InstanceIds") or []
        targets = request.get("Targets") or []
        if bool(instance_ids) == bool(targets):
            raise ValidationException("Exactly one of InstanceIds and Targets must be specified.")
        duplicates = sorted({i for i in instance_ids if instance_ids.count(i) > 1})
        if duplicates:
            raise DuplicateInstanceId(f"Instance Ids {duplicates} are duplicated in the request.")
        account_id, region = context.account_id, context.region
        document = load_document(
            account_id, region, request["DocumentName"], request.get("DocumentVersion")
        )
        plan = plan_command(document, request.get("Parameters"))
        bucket = request.get("OutputS3BucketName")
        if bucket and not bucket_exists(account_id, region, bucket):
            raise InvalidOutputFolder(f"The S3 bucket {bucket} does not exist.")
        try:
            containers = self._target_containers(account_id, region, instance_ids, targets)
        except EngineUnavailable as e:
            raise EngineUnavailableError(str(e)) from e

        command = Command(
            command_id=str(uuid.uuid4()),
            document_name=request["DocumentName"],
            document_version=request.get("DocumentVersion", ""),
            comment=request.get("Comment", ""),
            parameters=request.get("Parameters") or {},
            instance_ids=instance_ids,
            targets=targets,
            requested_at=self._clock(),
            timeout_seconds=request.get("TimeoutSeconds", DEFAULT_TIMEOUT_SECONDS),
            execution_timeout=plan.execution_timeout,
            max_concurrency=request.get("MaxConcurrency", DEFAULT_MAX_CONCURRENCY),
            max_errors=request.get("MaxErrors", DEFAULT_MAX_ERRORS),
            plugin_names=plan.plugin_names,
            output_s3_region=request.get("OutputS3Region", region),
            output_s3_bucket_name=request.get("OutputS3BucketName", ""),
            output_s3_key_prefix=request.get("OutputS3KeyPrefix", ""),
            service_role=request.get("ServiceRoleArn", ""),
            notification_config=dict(request.get("NotificationConfig") or {}),
            cloudwatch_output_config=dict(request.get("CloudWatchOutputConfig") or {}),
        )
        store = self._store(context)
        self._executor.submit(
            store,
            Scope(account_id, region),
            command,
            document,
            plan,
            [Target(iid, cid) for iid, cid in containers.items()],
        )
        shape = self._command_shape(store, command)
        if targets:
            # AWS resolves Targets after replying: the reply counts no target yet
            shape["TargetCount"] = 0
        return SendCommandResult(Command=shape)

    @handler("CancelCommand", expand=False)
    def cancel_command(
        self, context: RequestContext, request: CancelCommandRequest
    ) -> CancelCommandResult:
        checks = Checks()
        checks.command_id(request["CommandId"], "commandId")
        checks.instance_ids(request.get("InstanceIds"), "instanceIds")
        checks.raise_if_any()
        store = self._store(context)
        command_id = request["CommandId"]
        if command_id not in store.commands:
            raise InvalidCommandId()
        instance_ids = request.get("InstanceIds") or []
        duplicates = sorted({i for i in instance_ids if instance_ids.count(i) > 1})
        if duplicates:
            raise DuplicateInstanceId(f"Instance Ids {duplicates} are duplicated in the request.")
        unknown = [i for i in instance_ids if i not in store.invocations[command_id]]
        if unknown:
            raise InvalidInstanceId(
                f"Instances [[{', '.join(unknown)}]] are not targets of command {command_id}"
            )
        self._executor.cancel(command_id, instance_ids or None)
        return CancelCommandResult()

    @handler("DescribeDocument", expand=False)
    def describe_document(
        self, context: RequestContext, request: DescribeDocumentRequest
    ) -> DescribeDocumentResult:
        name = document_name_of(request["Name"])
        if name not in aws_owned.AWS_DOCUMENTS:
            return call_moto(context)
        load_document(context.account_id, context.region, name, request.get("DocumentVersion"))
        return DescribeDocumentResult(Document=aws_owned.description(name))

    @handler("GetDocument", expand=False)
    def get_document(
        self, context: RequestContext, request: GetDocumentRequest
    ) -> GetDocumentResult:
        name = document_name_of(request["Name"])
        if name not in aws_owned.AWS_DOCUMENTS:
            return call_moto(context)
        load_document(context.account_id, context.region, name, request.get("DocumentVersion"))
        content_format = request.get("DocumentFormat") or "JSON"
        content = aws_owned.content_json(name)
        if content_format == "YAML":
            content = yaml.safe_dump(aws_owned.AWS_DOCUMENTS[name], sort_keys=False)
        return GetDocumentResult(
            Name=name,
            DocumentVersion="1",
            Status="Active",
            Content=content,
            DocumentType=aws_owned.document_type(name),
            DocumentFormat=content_format,
        )

    @handler("ListDocuments", expand=False)
    def list_documents(
        self, context: RequestContext, request: ListDocumentsRequest
    ) -> ListDocumentsResult:
        token = request.get("NextToken")
        if token and not token.isdecimal():  # moto's tokens are positions; it fails on others
            raise InvalidNextToken("The specified token is not valid.")
        result = call_moto(context)
        if not token:
            ours = [
                aws_owned.identifier(name)
                for name in aws_owned.AWS_DOCUMENTS
                if aws_owned.listed(
                    name, request.get("Filters") or [], request.get("DocumentFilterList") or []
                )
            ]
            result["DocumentIdentifiers"] = ours + result.get("DocumentIdentifiers", [])
        return result

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
        if plugin_name is None and len(command.plugin_names) > 1:
            raise InvalidPluginName(
                "The document has several steps: name one of them in PluginName."
            )
        if plugin_name is not None and plugin_name not in command.plugin_names:
            raise InvalidPluginName(f"The plugin name {plugin_name} is not valid.")
        return shapes.invocation_result(command, invocation, plugin_name or command.plugin_names[0])

    @handler("ListCommandInvocations", expand=False)
    def list_command_invocations(
        self, context: RequestContext, request: ListCommandInvocationsRequest
    ) -> ListCommandInvocationsResult:
        _check_list_request(request)
        store = self._store(context)
        instance_id = request.get("InstanceId")
        matches = build_filter(request.get("Filters"), allow_execution_stage=False)
        command_id = request.get("CommandId")

        def wanted(command: Command, invocation: Invocation) -> bool:
            if instance_id is not None and invocation.instance_id != instance_id:
                return False
            return matches(
                (invocation.requested_at, lambda: invocation.status, command.document_name)
            )

        page, token = invocation_page(
            _only(store, command_id),
            wanted,
            request.get("MaxResults", DEFAULT_COMMAND_PAGE),
            request.get("NextToken"),
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
        matches = build_filter(request.get("Filters"), allow_execution_stage=True)
        command_id = request.get("CommandId")

        def wanted(command: Command) -> bool:
            if instance_id is not None and instance_id not in store.invocations[command.command_id]:
                return False

            def status() -> str:  # derived only when a filter asks for it
                return _summary(store, command).status

            return matches((command.requested_at, status, command.document_name))

        page, token = command_page(
            _only(store, command_id),
            wanted,
            request.get("MaxResults", DEFAULT_COMMAND_PAGE),
            request.get("NextToken"),
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

    def _target_containers(
        self, account_id: str, region: str, instance_ids: list[str], targets: list
    ) -> dict[str, str]:
        """The container of each instance the command goes to, by instance id."""
        if instance_ids:
            records = self._instances.require_online(account_id, region, instance_ids)
            return {iid: records[iid].container_id for iid in instance_ids}
        managed = resolve_targets(
            targets,
            self._instances.managed_instances(account_id, region, strict=True),
            lambda name: group_tag_filters(account_id, region, name),
        )
        return {m.record.instance_id: m.record.container_id for m in managed}

    @staticmethod
    def _command_shape(store: RunCommandStore, command: Command):
        return shapes.command_shape(command, _summary(store, command))


def _summary(store: RunCommandStore, command: Command) -> CommandSummary:
    """The command's status and counters, from its invocations as they are now."""
    invocations = list(store.invocations[command.command_id].values())
    return summarize(invocations, max_errors_for(command.max_errors, len(invocations)))


def _only(store: RunCommandStore, command_id: str | None) -> RunCommandStore:
    """The store, or a view of it holding just the named command (none when it is unknown)."""
    if command_id is None:
        return store
    view = RunCommandStore()
    if command_id in store.commands:
        view.commands[command_id] = store.commands[command_id]
        view.invocations[command_id] = store.invocations[command_id]
        view.order.append(command_id)
    return view


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
