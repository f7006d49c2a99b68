"""CreateOrUpdateTags, DeleteTags and DescribeTags on the group records, with the reconciler
behind them: what a later launch propagates, AWS's errors, filters and pages."""

import pytest

from localstack_ssm_docker.autoscaling.api import InvalidNextToken, LimitExceededFault
from localstack_ssm_docker.autoscaling.exceptions import ValidationError
from localstack_ssm_docker.autoscaling.reconciler import GROUP_NAME_TAG
from tests.unit.autoscaling.service import Service


@pytest.fixture
def service() -> Service:
    return Service()


def _tag(key: str, value: str = "", propagate: bool = False, group: str = "web") -> dict:
    return {
        "ResourceId": group,
        "ResourceType": "auto-scaling-group",
        "Key": key,
        "Value": value,
        "PropagateAtLaunch": propagate,
    }


def _put(service: Service, *tags: dict) -> None:
    service.tags.create_or_update_tags(service.context, {"Tags": list(tags)})  # type: ignore[arg-type]


def _delete(service: Service, *tags: dict) -> None:
    service.tags.delete_tags(service.context, {"Tags": list(tags)})  # type: ignore[arg-type]


def _describe(service: Service, **request) -> dict:
    return service.tags.describe_tags(service.context, request)  # type: ignore[arg-type]


def _group_tags(service: Service) -> list[tuple[str, str, bool]]:
    return [(t["Key"], t["Value"], t["PropagateAtLaunch"]) for t in service.group()["Tags"]]


def test_create_or_update_tags_adds_new_keys_and_overwrites_existing_ones(service):
    service.create(Tags=[{"Key": "team", "Value": "a", "PropagateAtLaunch": True}])

    _put(service, _tag("team", "b"), _tag("env", "dev", propagate=True))

    assert _group_tags(service) == [("team", "b", False), ("env", "dev", True)]


def test_a_propagated_tag_added_later_reaches_members_launched_afterwards_only(service):
    service.create(desired=1, Tags=[{"Key": "team", "Value": "a", "PropagateAtLaunch": True}])
    service.reconciler.reconcile()

    _put(service, _tag("team", "b", propagate=True), _tag("env", "dev", propagate=True))
    _put(service, _tag("private", "x"))
    service.set_desired(2)
    service.reconciler.reconcile()

    first, second = service.launcher.orders
    assert first.tags == ((GROUP_NAME_TAG, "web"), ("team", "a"))
    assert second.tags == ((GROUP_NAME_TAG, "web"), ("team", "b"), ("env", "dev"))


def test_delete_tags_removes_the_keys_named_and_later_launches_go_without_them(service):
    service.create(
        desired=0,
        Tags=[
            {"Key": "team", "Value": "a", "PropagateAtLaunch": True},
            {"Key": "env", "Value": "dev", "PropagateAtLaunch": True},
        ],
    )

    _delete(service, _tag("team"), _tag("absent"))
    service.set_desired(1)
    service.reconciler.reconcile()

    assert _group_tags(service) == [("env", "dev", True)]
    assert service.launcher.orders[0].tags == ((GROUP_NAME_TAG, "web"), ("env", "dev"))


def test_tags_naming_a_group_that_does_not_exist_change_no_group(service):
    service.create(Tags=[{"Key": "team", "Value": "a"}])

    with pytest.raises(ValidationError) as refused:
        _put(service, _tag("team", "b"), _tag("team", "c", group="nope"))
    with pytest.raises(ValidationError):
        _delete(service, _tag("team"), _tag("team", group="nope"))

    assert refused.value.message == "AutoScalingGroup not found - AutoScaling Group nope not found"
    assert _group_tags(service) == [("team", "a", False)]


@pytest.mark.parametrize(
    ("key", "value", "shown", "where", "bound"),
    [
        ("", "v", "", "tags.2.member.key", "greater than or equal to 1"),
        ("k" * 129, "v", "k" * 129, "tags.2.member.key", "less than or equal to 128"),
        ("k", "v" * 257, "v" * 257, "tags.2.member.value", "less than or equal to 256"),
    ],
)
def test_a_key_or_value_of_the_wrong_length_is_refused_in_awss_words(
    service, key, value, shown, where, bound
):
    service.create()

    with pytest.raises(ValidationError) as refused:
        _put(service, _tag("ok", "1"), _tag(key, value))

    assert refused.value.message == (
        f"1 validation error detected: Value '{shown}' at '{where}' failed to satisfy "
        f"constraint: Member must have length {bound}"
    )
    assert _group_tags(service) == []


def test_more_than_fifty_tags_on_a_group_is_limit_exceeded(service):
    service.create(Tags=[{"Key": f"k{i}", "Value": ""} for i in range(49)])

    _put(service, _tag("k0", "overwritten"), _tag("k49"))  # 50: fine
    with pytest.raises(LimitExceededFault):
        _put(service, _tag("k50"))

    assert len(service.group()["Tags"]) == 50


def test_describe_tags_filters_by_group_key_value_and_propagation(service):
    service.create(Tags=[{"Key": "team", "Value": "a", "PropagateAtLaunch": True}])
    service.create(
        AutoScalingGroupName="api",
        Tags=[{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "dev"}],
    )

    def keys(*filters: tuple[str, list[str]]) -> list[tuple[str, str]]:
        shown = _describe(service, Filters=[{"Name": n, "Values": v} for n, v in filters])
        return [(t["ResourceId"], t["Key"]) for t in shown["Tags"]]

    assert keys() == [("api", "env"), ("api", "team"), ("web", "team")]
    assert keys(("auto-scaling-group", ["web"])) == [("web", "team")]
    assert keys(("key", ["team"]), ("value", ["b", "c"])) == [("api", "team")]
    assert keys(("propagate-at-launch", ["true"])) == [("web", "team")]
    assert keys(("propagate-at-launch", ["false"])) == [("api", "env"), ("api", "team")]
    with pytest.raises(ValidationError):
        keys(("colour", ["red"]))


def test_describe_tags_pages_through_every_tag_once(service):
    service.create(Tags=[{"Key": f"k{i:02}", "Value": str(i)} for i in range(7)])

    seen, token = [], None
    while True:
        request = {"MaxRecords": 3, **({"NextToken": token} if token else {})}
        shown = _describe(service, **request)
        seen += [t["Key"] for t in shown["Tags"]]
        if not (token := shown.get("NextToken")):
            break

    assert seen == [f"k{i:02}" for i in range(7)]
    with pytest.raises(InvalidNextToken):
        _describe(service, NextToken="forged")
