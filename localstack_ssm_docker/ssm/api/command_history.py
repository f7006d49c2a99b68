"""The reads of the command history: GetCommandInvocation, ListCommands and
ListCommandInvocations, newest first, filtered and paged without reading the whole store."""

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    Command as CommandShape,
)
from localstack.aws.api.ssm import (
    GetCommandInvocationRequest,
    GetCommandInvocationResult,
    InvalidPluginName,
    InvocationDoesNotExist,
    ListCommandInvocationsRequest,
    ListCommandInvocationsResult,
    ListCommandsRequest,
    ListCommandsResult,
)

from localstack_ssm_docker.ssm.api import shapes
from localstack_ssm_docker.ssm.api.command_filters import Item, build_filter
from localstack_ssm_docker.ssm.api.history_pages import command_page, invocation_page
from localstack_ssm_docker.ssm.models import (
    Command,
    Invocation,
    RunCommandStore,
    run_command_stores,
)
from localstack_ssm_docker.ssm.run.status import CommandSummary, max_errors_for, summarize
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory

DEFAULT_COMMAND_PAGE = 50


class CommandHistoryHandlers:
    """Reads of the Run Command store, with the instances' names from `instances`."""

    def __init__(self, instances: InstanceDirectory):
        self._instances = instances

    @staticmethod
    def _store(context: RequestContext) -> RunCommandStore:
        return run_command_stores[context.account_id][context.region]

    @handler("GetCommandInvocation", expand=False)
    def get_command_invocation(
        self, context: RequestContext, request: GetCommandInvocationRequest
    ) -> GetCommandInvocationResult:
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
        store = self._store(context)
        instance_id = request.get("InstanceId")
        matches = build_filter(request.get("Filters"), allow_execution_stage=False)
        command_id = request.get("CommandId")

        def wanted(command: Command, invocation: Invocation) -> bool:
            if instance_id is not None and invocation.instance_id != instance_id:
                return False
            return matches(
                Item(
                    invocation.requested_at, lambda: invocation.result.status, command.document_name
                )
            )

        page, token = invocation_page(
            only(store, command_id),
            wanted,
            request.get("MaxResults") or DEFAULT_COMMAND_PAGE,
            request.get("NextToken"),
        )
        names = self._instances.computer_names(context.account_id, context.region)
        details = bool(request.get("Details"))
        result = ListCommandInvocationsResult(
            CommandInvocations=[
                shapes.command_invocation(
                    command,
                    invocation,
                    names.get(invocation.instance_id, ""),
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
        store = self._store(context)
        instance_id = request.get("InstanceId")
        matches = build_filter(request.get("Filters"), allow_execution_stage=True)
        command_id = request.get("CommandId")

        def wanted(command: Command) -> bool:
            if instance_id is not None and instance_id not in store.invocations[command.command_id]:
                return False

            def status() -> str:  # derived only when a filter asks for it
                return summary(store, command).status

            return matches(Item(command.requested_at, status, command.document_name))

        page, token = command_page(
            only(store, command_id),
            wanted,
            request.get("MaxResults") or DEFAULT_COMMAND_PAGE,
            request.get("NextToken"),
        )
        result = ListCommandsResult(Commands=[command_shape(store, c) for c in page])
        if token:
            result["NextToken"] = token
        return result


def command_shape(store: RunCommandStore, command: Command) -> CommandShape:
    """The Command structure of SendCommand and ListCommands, with its status as it is now."""
    return shapes.command_shape(command, summary(store, command))


def summary(store: RunCommandStore, command: Command) -> CommandSummary:
    """The command's status and counters, from its invocations as they are now."""
    invocations = list(store.invocations[command.command_id].values())
    return summarize(invocations, max_errors_for(command.max_errors, len(invocations)))


def only(store: RunCommandStore, command_id: str | None) -> RunCommandStore:
    """The store, or a view of it holding just the named command (none when it is unknown)."""
    if command_id is None:
        return store
    view = RunCommandStore()
    if command_id in store.commands:
        view.commands[command_id] = store.commands[command_id]
        view.invocations[command_id] = store.invocations[command_id]
        view.order.append(command_id)
    return view
