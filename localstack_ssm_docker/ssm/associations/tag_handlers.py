"""Tags of associations (ResourceType=Association), which moto's tagging does not know: the
Terraform provider lists and sets them on every association it manages. Other resource types
stay moto's. Tags change through the association service, under its lock: two requests at once
each keep the other's tags."""

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    AddTagsToResourceRequest,
    AddTagsToResourceResult,
    InvalidResourceId,
    ListTagsForResourceRequest,
    ListTagsForResourceResult,
    RemoveTagsFromResourceRequest,
    RemoveTagsFromResourceResult,
    Tag,
)
from localstack.services.moto import call_moto

from localstack_ssm_docker.ssm.associations.models import AssociationRecord, association_stores
from localstack_ssm_docker.ssm.associations.service import AssociationService

ASSOCIATION = "Association"


def _record(context: RequestContext, resource_id: str) -> AssociationRecord:
    record = association_stores[context.account_id][context.region].associations.get(resource_id)
    if record is None:
        raise InvalidResourceId("The resource ID is not valid. Verify the ID and try again.")
    return record


class AssociationTagHandlers:
    """AddTagsToResource, RemoveTagsFromResource and ListTagsForResource; association tags
    change through `associations`."""

    def __init__(self, associations: AssociationService):
        self._associations = associations

    @handler("AddTagsToResource", expand=False)
    def add_tags_to_resource(
        self, context: RequestContext, request: AddTagsToResourceRequest
    ) -> AddTagsToResourceResult:
        if request["ResourceType"] != ASSOCIATION:
            return call_moto(context)
        added = {t["Key"]: t["Value"] for t in request["Tags"]}
        record = _record(context, request["ResourceId"])
        self._associations.tag(context.account_id, context.region, record.association_id, added)
        return AddTagsToResourceResult()

    @handler("RemoveTagsFromResource", expand=False)
    def remove_tags_from_resource(
        self, context: RequestContext, request: RemoveTagsFromResourceRequest
    ) -> RemoveTagsFromResourceResult:
        if request["ResourceType"] != ASSOCIATION:
            return call_moto(context)
        removed = set(request["TagKeys"])
        record = _record(context, request["ResourceId"])
        self._associations.tag(
            context.account_id, context.region, record.association_id, removed=removed
        )
        return RemoveTagsFromResourceResult()

    @handler("ListTagsForResource", expand=False)
    def list_tags_for_resource(
        self, context: RequestContext, request: ListTagsForResourceRequest
    ) -> ListTagsForResourceResult:
        if request["ResourceType"] != ASSOCIATION:
            return call_moto(context)
        record = _record(context, request["ResourceId"])
        return ListTagsForResourceResult(
            TagList=[Tag(Key=t["Key"], Value=t["Value"]) for t in record.tags]
        )
