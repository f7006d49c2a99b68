"""ListComplianceItems and ListComplianceSummaries for the Association compliance type (moto
keeps no compliance)."""

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    ListComplianceItemsRequest,
    ListComplianceItemsResult,
    ListComplianceSummariesRequest,
    ListComplianceSummariesResult,
)

from localstack_ssm_docker.ssm.api.pagination import paginate
from localstack_ssm_docker.ssm.associations.compliance import (
    RESOURCE_TYPE,
    compliance_filter,
    compliance_items,
    summaries,
)
from localstack_ssm_docker.ssm.associations.models import association_stores

DEFAULT_PAGE = 10


class AssociationComplianceHandlers:
    """Reads the association store only."""

    @handler("ListComplianceItems", expand=False)
    def list_compliance_items(
        self, context: RequestContext, request: ListComplianceItemsRequest
    ) -> ListComplianceItemsResult:
        wanted = compliance_filter(request.get("Filters") or [])
        resource_ids = set(request.get("ResourceIds") or [])
        resource_types = set(request.get("ResourceTypes") or [RESOURCE_TYPE])
        items = [
            item
            for item in self._compliance_items(context)
            if (not resource_ids or item["ResourceId"] in resource_ids)
            and item["ResourceType"] in resource_types
            and wanted(item)
        ]
        page, token = paginate(
            items,
            key=lambda i: (i["ResourceId"], i["Id"]),
            max_results=request.get("MaxResults") or DEFAULT_PAGE,
            next_token=request.get("NextToken"),
        )
        result = ListComplianceItemsResult(ComplianceItems=page)
        if token:
            result["NextToken"] = token
        return result

    @handler("ListComplianceSummaries", expand=False)
    def list_compliance_summaries(
        self, context: RequestContext, request: ListComplianceSummariesRequest
    ) -> ListComplianceSummariesResult:
        filters = request.get("Filters") or []
        by_type = [f for f in filters if f.get("Key") == "ComplianceType"]
        wanted = compliance_filter(by_type)
        items = [i for i in self._compliance_items(context) if wanted(i)]
        # a filter on ComplianceType that excludes Association leaves no summary
        if by_type and not items:
            return ListComplianceSummariesResult(ComplianceSummaryItems=[])
        return ListComplianceSummariesResult(
            ComplianceSummaryItems=summaries(items)  # type: ignore[typeddict-item]
        )

    @staticmethod
    def _compliance_items(context: RequestContext) -> list:
        store = association_stores[context.account_id][context.region]
        return compliance_items(
            context.account_id, context.region, list(store.associations.values())
        )
