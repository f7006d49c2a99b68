"""State Manager's read side per execution and per instance:
DescribeAssociationExecutions, DescribeAssociationExecutionTargets,
DescribeInstanceAssociationsStatus and DescribeEffectiveInstanceAssociations."""

from typing import Any

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    AssociationExecutionDoesNotExist,
    DescribeAssociationExecutionsRequest,
    DescribeAssociationExecutionsResult,
    DescribeAssociationExecutionTargetsRequest,
    DescribeAssociationExecutionTargetsResult,
    DescribeEffectiveInstanceAssociationsRequest,
    DescribeEffectiveInstanceAssociationsResult,
    DescribeInstanceAssociationsStatusRequest,
    DescribeInstanceAssociationsStatusResult,
    ServiceException,
)

from localstack_ssm_docker.ssm.api.pagination import paginate
from localstack_ssm_docker.ssm.associations import shapes
from localstack_ssm_docker.ssm.associations.filters import execution_filter, target_filter
from localstack_ssm_docker.ssm.associations.models import AssociationRecord, association_stores
from localstack_ssm_docker.ssm.associations.queries import (
    association_view,
    execution_view,
    find_association,
    targets_instance,
)
from localstack_ssm_docker.ssm.integrations.document_loader import load_document

DEFAULT_PAGE = 50


class AssociationExecutionHandlers:
    """Reads the association store (and the documents of the effective associations) only."""

    @handler("DescribeAssociationExecutions", expand=False)
    def describe_association_executions(
        self, context: RequestContext, request: DescribeAssociationExecutionsRequest
    ) -> DescribeAssociationExecutionsResult:
        account_id, region = context.account_id, context.region
        record = find_association(account_id, region, request["AssociationId"])
        wanted = execution_filter(request.get("Filters") or [])
        views = [
            v
            for e in _executions(account_id, region, record.association_id)
            if wanted(v := execution_view(account_id, region, e))
        ]
        page, token = paginate(
            views,
            key=lambda v: (-v.execution.created_at, v.execution.execution_id),
            max_results=request.get("MaxResults") or DEFAULT_PAGE,
            next_token=request.get("NextToken"),
        )
        result = DescribeAssociationExecutionsResult(
            AssociationExecutions=[shapes.execution(v.execution, v.status) for v in page]
        )
        if token:
            result["NextToken"] = token
        return result

    @handler("DescribeAssociationExecutionTargets", expand=False)
    def describe_association_execution_targets(
        self, context: RequestContext, request: DescribeAssociationExecutionTargetsRequest
    ) -> DescribeAssociationExecutionTargetsResult:
        account_id, region = context.account_id, context.region
        record = find_association(account_id, region, request["AssociationId"])
        execution = next(
            (
                e
                for e in _executions(account_id, region, record.association_id)
                if e.execution_id == request["ExecutionId"]
            ),
            None,
        )
        if execution is None:
            raise AssociationExecutionDoesNotExist(
                f"ExecutionId {request['ExecutionId']} does not exist for association "
                f"{record.association_id}."
            )
        view = execution_view(account_id, region, execution)
        wanted = target_filter(request.get("Filters") or [])
        page, token = paginate(
            [r for r in view.results if wanted(r)],
            key=lambda r: (r.instance_id,),
            max_results=request.get("MaxResults") or DEFAULT_PAGE,
            next_token=request.get("NextToken"),
        )
        result = DescribeAssociationExecutionTargetsResult(
            AssociationExecutionTargets=[shapes.execution_target(execution, r) for r in page]
        )
        if token:
            result["NextToken"] = token
        return result

    @handler("DescribeInstanceAssociationsStatus", expand=False)
    def describe_instance_associations_status(
        self, context: RequestContext, request: DescribeInstanceAssociationsStatusRequest
    ) -> DescribeInstanceAssociationsStatusResult:
        account_id, region = context.account_id, context.region
        instance_id = request["InstanceId"]
        infos: list[Any] = []
        for record in list(association_stores[account_id][region].associations.values()):
            latest = association_view(account_id, region, record).latest_by_instance
            if instance_id in latest:
                view, result = latest[instance_id]
                infos.append(
                    shapes.instance_status(
                        record, view.execution, result, _output_url(record, view, instance_id)
                    )
                )
        page, token = paginate(
            infos,
            key=lambda i: (i["AssociationId"] or "",),
            max_results=request.get("MaxResults") or DEFAULT_PAGE,
            next_token=request.get("NextToken"),
        )
        statuses = DescribeInstanceAssociationsStatusResult(InstanceAssociationStatusInfos=page)
        if token:
            statuses["NextToken"] = token
        return statuses

    @handler("DescribeEffectiveInstanceAssociations", expand=False)
    def describe_effective_instance_associations(
        self, context: RequestContext, request: DescribeEffectiveInstanceAssociationsRequest
    ) -> DescribeEffectiveInstanceAssociationsResult:
        account_id, region = context.account_id, context.region
        instance_id = request["InstanceId"]
        found: list[Any] = []
        for record in list(association_stores[account_id][region].associations.values()):
            if instance_id not in record.applied and not targets_instance(record, instance_id):
                continue
            try:
                document = load_document(
                    account_id,
                    region,
                    record.latest.settings["Name"],
                    record.latest.get("DocumentVersion"),
                )
            except ServiceException:
                continue
            found.append(
                {
                    "AssociationId": record.association_id,
                    "InstanceId": instance_id,
                    "Content": shapes.document_content(document.content),
                    "AssociationVersion": str(record.latest.version),
                }
            )
        page, token = paginate(
            found,
            key=lambda a: (a["AssociationId"],),
            max_results=request.get("MaxResults") or DEFAULT_PAGE,
            next_token=request.get("NextToken"),
        )
        result = DescribeEffectiveInstanceAssociationsResult(Associations=page)
        if token:
            result["NextToken"] = token
        return result


def _executions(account_id: str, region: str, association_id: str) -> list:
    return list(association_stores[account_id][region].executions.get(association_id, []))


def _output_url(record: AssociationRecord, view: Any, instance_id: str) -> str:
    version = record.versions[view.execution.association_version - 1]
    s3 = (version.get("OutputLocation") or {}).get("S3Location") or {}
    bucket = s3.get("OutputS3BucketName")
    if not bucket:
        return ""
    prefix = s3.get("OutputS3KeyPrefix") or ""
    key = "/".join(p for p in (prefix.strip("/"), view.execution.command_id, instance_id) if p)
    region = s3.get("OutputS3Region") or ""
    host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    return f"https://{host}/{bucket}/{key}"
