"""Run Command's operations: SendCommand and CancelCommand over the executor, and
DescribeInstanceInformation over the instance directory (with each instance's association
status)."""

import time
import uuid
from collections.abc import Callable

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    CancelCommandRequest,
    CancelCommandResult,
    DescribeInstanceInformationRequest,
    DescribeInstanceInformationResult,
    DuplicateInstanceId,
    InvalidCommandId,
    InvalidInstanceId,
    InvalidOutputFolder,
    SendCommandRequest,
    SendCommandResult,
    ValidationException,
)

from localstack_ssm_docker.ec2.exceptions import EngineUnavailableError
from localstack_ssm_docker.engine.errors import EngineNotAnswering
from localstack_ssm_docker.ssm.api import shapes
from localstack_ssm_docker.ssm.api.command_history import command_shape
from localstack_ssm_docker.ssm.api.instance_filters import build_predicates
from localstack_ssm_docker.ssm.api.pagination import paginate
from localstack_ssm_docker.ssm.associations.queries import instance_association_fields
from localstack_ssm_docker.ssm.documents.plan import plan_command
from localstack_ssm_docker.ssm.integrations.document_loader import load_document
from localstack_ssm_docker.ssm.integrations.output_sink import bucket_exists
from localstack_ssm_docker.ssm.integrations.resource_groups import group_tag_filters
from localstack_ssm_docker.ssm.models import Command, run_command_stores
from localstack_ssm_docker.ssm.run.executor import CommandExecutor
from localstack_ssm_docker.ssm.run.request import CommandRequest, Scope, Target
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory
from localstack_ssm_docker.ssm.targeting.targets import resolve_targets

DEFAULT_TIMEOUT_SECONDS = 3600
DEFAULT_MAX_CONCURRENCY = "50"
DEFAULT_MAX_ERRORS = "0"
DEFAULT_INSTANCE_PAGE = 10


class RunCommandHandlers:
    """SendCommand, CancelCommand and DescribeInstanceInformation over Docker-backed instances."""

    def __init__(
        self,
        instances: InstanceDirectory,
        executor: CommandExecutor,
        clock: Callable[[], float] = time.time,
    ):
        self._instances = instances
        self._executor = executor
        self._clock = clock

    @handler("SendCommand", expand=False)
    def send_command(
        self, context: RequestContext, request: SendCommandRequest
    ) -> SendCommandResult:
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
        except EngineNotAnswering as e:
            raise EngineUnavailableError(str(e)) from e

        command = Command(
            command_id=str(uuid.uuid4()),
            document_name=request["DocumentName"],
            document_version=request.get("DocumentVersion") or "",
            comment=request.get("Comment") or "",
            parameters=request.get("Parameters") or {},
            instance_ids=instance_ids,
            targets=targets,
            requested_at=self._clock(),
            timeout_seconds=request.get("TimeoutSeconds") or DEFAULT_TIMEOUT_SECONDS,
            execution_timeout=plan.execution_timeout,
            max_concurrency=request.get("MaxConcurrency") or DEFAULT_MAX_CONCURRENCY,
            max_errors=request.get("MaxErrors") or DEFAULT_MAX_ERRORS,
            plugin_names=plan.plugin_names,
            output_s3_region=request.get("OutputS3Region") or region,
            output_s3_bucket_name=request.get("OutputS3BucketName") or "",
            output_s3_key_prefix=request.get("OutputS3KeyPrefix") or "",
            service_role=request.get("ServiceRoleArn") or "",
            notification_config=dict(request.get("NotificationConfig") or {}),
            cloudwatch_output_config=dict(request.get("CloudWatchOutputConfig") or {}),
        )
        store = run_command_stores[context.account_id][context.region]
        self._executor.submit(
            CommandRequest(
                store=store,
                scope=Scope(account_id, region),
                command=command,
                document=document,
                plan=plan,
                targets=tuple(Target(iid, cid) for iid, cid in containers.items()),
            )
        )
        shape = command_shape(store, command)
        if targets:
            # AWS resolves Targets after replying: the reply counts no target yet
            shape["TargetCount"] = 0
        return SendCommandResult(Command=shape)

    @handler("CancelCommand", expand=False)
    def cancel_command(
        self, context: RequestContext, request: CancelCommandRequest
    ) -> CancelCommandResult:
        store = run_command_stores[context.account_id][context.region]
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

    @handler("DescribeInstanceInformation", expand=False)
    def describe_instance_information(
        self, context: RequestContext, request: DescribeInstanceInformationRequest
    ) -> DescribeInstanceInformationResult:
        max_results = request.get("MaxResults")
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
        _add_association_status(context, result["InstanceInformationList"])
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


def _add_association_status(context: RequestContext, infos: list | None) -> None:
    """The association fields of the instances listed."""
    fields = instance_association_fields(context.account_id, context.region)
    for info in infos or []:
        info.update(fields.get(info["InstanceId"], {}))
