"""Auto Scaling's tag operations: CreateOrUpdateTags, DeleteTags and DescribeTags. A group's tags
live on its record, so the reconciler's next launch reads them as they are then: a tag added with
PropagateAtLaunch reaches the members launched afterwards, and members already running keep the
tags they were launched with (as on AWS). A request naming any group that does not exist, or any
tag AWS refuses, changes no group."""

import base64
import functools
import json
from collections.abc import Callable
from dataclasses import replace

from localstack.aws.api import RequestContext, handler

from localstack_ssm_docker.autoscaling import views
from localstack_ssm_docker.autoscaling.api import (
    CreateOrUpdateTagsType,
    DeleteTagsType,
    DescribeTagsType,
    Tag,
    TagsType,
)
from localstack_ssm_docker.autoscaling.exceptions import (
    ValidationError,
    tagged_group_not_found,
    too_many_tags,
)
from localstack_ssm_docker.autoscaling.group_handlers import page
from localstack_ssm_docker.autoscaling.records import Group, GroupTag
from localstack_ssm_docker.autoscaling.store import Groups

TAGS_PER_GROUP = 50
_KEY_LENGTH = 128
_VALUE_LENGTH = 256
_FILTERS: dict[str, Callable[[str, GroupTag], str]] = {
    "auto-scaling-group": lambda name, t: name,
    "key": lambda name, t: t.key,
    "value": lambda name, t: t.value,
    "propagate-at-launch": lambda name, t: str(t.propagate_at_launch).lower(),
}
"""DescribeTags' filter names, each with what of a tag (on the group named) its values match."""


class TagHandlers:
    """CreateOrUpdateTags, DeleteTags and DescribeTags on the group records."""

    def __init__(self, groups: Groups):
        self._groups = groups

    @handler("CreateOrUpdateTags", expand=False)
    def create_or_update_tags(
        self, context: RequestContext, request: CreateOrUpdateTagsType
    ) -> None:
        tags = request.get("Tags") or []
        for index, tag in enumerate(tags, 1):
            _check(index, tag)
        by_group = self._by_group(context, tags)
        for name, given in by_group.items():
            merged = _merged(self._group(context, name), given)
            if len(merged) > TAGS_PER_GROUP:
                raise too_many_tags(TAGS_PER_GROUP)
        for name, given in by_group.items():
            self._change(context, name, functools.partial(_merged, given=given))

    @handler("DeleteTags", expand=False)
    def delete_tags(self, context: RequestContext, request: DeleteTagsType) -> None:
        tags = request.get("Tags") or []
        for index, tag in enumerate(tags, 1):
            _check(index, tag)
        by_group = self._by_group(context, tags)
        for name, given in by_group.items():
            self._change(context, name, functools.partial(_without, keys={t.key for t in given}))

    @handler("DescribeTags", expand=False)
    def describe_tags(self, context: RequestContext, request: DescribeTagsType) -> TagsType:
        filters = request.get("Filters") or []
        for f in filters:
            if (f.get("Name") or "") not in _FILTERS:
                raise ValidationError(f"Filter type {f.get('Name')} is not correct.")
        found = [
            (group.name, tag)
            for group in self._groups.all(context.account_id, context.region)
            for tag in sorted(group.tags, key=lambda t: t.key)
            if all(
                _FILTERS[f.get("Name") or ""](group.name, tag) in (f.get("Values") or [])
                for f in filters
            )
        ]
        shown, token = page(
            found, _token, request.get("NextToken"), request.get("MaxRecords"), sort=False
        )
        result = TagsType(Tags=[views.tag(name, tag) for name, tag in shown])
        if token:
            result["NextToken"] = token
        return result

    def _by_group(self, context: RequestContext, tags: list[Tag]) -> dict[str, list[GroupTag]]:
        """The request's tags by the group they name, every group checked to exist."""
        by_group: dict[str, list[GroupTag]] = {}
        for tag in tags:
            name = tag.get("ResourceId") or ""
            self._group(context, name)
            by_group.setdefault(name, []).append(
                GroupTag(
                    tag.get("Key") or "", tag.get("Value") or "", bool(tag.get("PropagateAtLaunch"))
                )
            )
        return by_group

    def _group(self, context: RequestContext, name: str) -> Group:
        group = self._groups.get(context.account_id, context.region, name)
        if group is None:
            raise tagged_group_not_found(name)
        return group

    def _change(
        self,
        context: RequestContext,
        name: str,
        tags: Callable[[Group], tuple[GroupTag, ...]],
    ) -> None:
        def change(g: Group) -> Group | None:
            new = tags(g)
            return None if new == g.tags else replace(g, tags=new)

        self._groups.change(context.account_id, context.region, name, change)


def _merged(group: Group, given: list[GroupTag]) -> tuple[GroupTag, ...]:
    """The group's tags with those given: a given key overwrites the tag of that key in place,
    a new key comes last."""
    latest = {t.key: t for t in given}
    kept = tuple(latest.pop(t.key, t) for t in group.tags)
    return kept + tuple(latest.values())


def _without(group: Group, keys: set[str]) -> tuple[GroupTag, ...]:
    return tuple(t for t in group.tags if t.key not in keys)


def _check(index: int, tag: Tag) -> None:
    """AWS's length constraints on a tag's key and value, in its wording."""
    key, value = tag.get("Key") or "", tag.get("Value") or ""
    if not key:
        raise _constraint(key, f"tags.{index}.member.key", "greater than or equal to 1")
    if len(key) > _KEY_LENGTH:
        raise _constraint(key, f"tags.{index}.member.key", f"less than or equal to {_KEY_LENGTH}")
    if len(value) > _VALUE_LENGTH:
        raise _constraint(
            value, f"tags.{index}.member.value", f"less than or equal to {_VALUE_LENGTH}"
        )


def _constraint(value: str, where: str, bound: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy "
        f"constraint: Member must have length {bound}"
    )


def _token(item: tuple[str, GroupTag]) -> str:
    """A tag's place in DescribeTags' pages (its group and key), as an opaque token."""
    name, tag = item
    return base64.urlsafe_b64encode(json.dumps([name, tag.key]).encode()).decode()
