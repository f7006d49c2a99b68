"""Reads resource groups from this LocalStack's own Resource Groups service, for Targets."""

import json
import logging

from localstack.aws.connect import connect_to

LOG = logging.getLogger(__name__)
_INSTANCE_TYPES = {"AWS::EC2::Instance", "AWS::AllSupported"}


def group_tag_filters(account_id: str, region: str, name: str) -> list[dict] | None:
    """The TagFilters of a tag-based group that can hold EC2 instances; None for any other group."""
    client = connect_to(aws_access_key_id=account_id, region_name=region).resource_groups
    try:
        query = client.get_group_query(Group=name)["GroupQuery"]["ResourceQuery"]
    except client.exceptions.NotFoundException:
        return None
    if query.get("Type") != "TAG_FILTERS_1_0":
        return None
    document = json.loads(query["Query"])
    if not _INSTANCE_TYPES & set(document.get("ResourceTypeFilters", [])):
        return None
    return document.get("TagFilters", [])
