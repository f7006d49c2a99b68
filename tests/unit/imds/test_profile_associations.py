"""The association store's checks and changes happen in one step under its lock: an instance
gets one association however many requests race for it, and a replaced or removed association
is never revived by a request that read it before."""

from localstack_ssm_docker.imds import profile_associations
from localstack_ssm_docker.imds.profile_associations import ProfileAssociation

ACCOUNT, REGION = "444444444444", "sa-east-1"
PROFILE = {"Arn": "arn:aws:iam::444444444444:instance-profile/p", "InstanceProfileId": "AIPA1"}


def teardown_function():
    profile_associations.profile_association_stores[ACCOUNT][REGION].associations.clear()


def test_a_second_association_for_the_same_instance_is_refused():
    first = ProfileAssociation.new("i-1", PROFILE)
    assert profile_associations.add(ACCOUNT, REGION, first)
    assert not profile_associations.add(ACCOUNT, REGION, ProfileAssociation.new("i-1", PROFILE))
    assert profile_associations.every(ACCOUNT, REGION) == [first]


def test_a_replace_of_an_association_removed_meanwhile_does_not_bring_it_back():
    first = ProfileAssociation.new("i-1", PROFILE)
    profile_associations.add(ACCOUNT, REGION, first)
    assert profile_associations.remove(ACCOUNT, REGION, first.association_id) == first
    assert not profile_associations.replace(
        ACCOUNT, REGION, first.association_id, ProfileAssociation.new("i-1", PROFILE)
    )
    assert profile_associations.every(ACCOUNT, REGION) == []


def test_a_disassociate_of_a_replaced_association_leaves_the_new_one():
    first = ProfileAssociation.new("i-1", PROFILE)
    profile_associations.add(ACCOUNT, REGION, first)
    second = ProfileAssociation.new("i-1", PROFILE)
    assert profile_associations.replace(ACCOUNT, REGION, first.association_id, second)
    assert profile_associations.remove(ACCOUNT, REGION, first.association_id) is None
    assert profile_associations.get(ACCOUNT, REGION, "i-1") == second
