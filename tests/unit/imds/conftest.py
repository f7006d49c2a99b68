"""Facts and helpers shared by the IMDS unit tests."""

import dataclasses

import pytest

from localstack_ssm_docker.imds.facts import (
    InstanceFacts,
    InstanceProfile,
    MetadataOptions,
    RoleCredentials,
)
from localstack_ssm_docker.imds.metadata import Signer


class FakeSigner(Signer):
    def signature(self, document: str) -> str:
        return f"sig:{len(document)}"

    def pkcs7(self, document: str) -> str:
        return f"pkcs7:{len(document)}"


CREDENTIALS = RoleCredentials(
    access_key_id="ASIAEXAMPLE",
    secret_access_key="secret",
    token="session-token",
    expiration="2030-01-01T00:00:00Z",
    last_updated="2029-12-31T23:00:00Z",
)


def make_facts(**changes) -> InstanceFacts:
    facts = InstanceFacts(
        instance_id="i-0123456789abcdef0",
        account_id="000000000000",
        region="us-east-1",
        ami_id="ami-0b5b0b5b0b5b0b5b0",
        instance_type="t3.micro",
        private_ip="172.17.0.5",
        mac="02:42:ac:11:00:05",
        local_hostname="ip-172-17-0-5.ec2.internal",
        availability_zone="us-east-1a",
        availability_zone_id="use1-az1",
        reservation_id="r-0123456789abcdef0",
        pending_time="2029-12-31T22:00:00Z",
        security_groups=("default",),
        security_group_ids=("sg-1",),
    )
    return dataclasses.replace(facts, **changes)


def with_options(facts: InstanceFacts, **options) -> InstanceFacts:
    return dataclasses.replace(facts, options=dataclasses.replace(MetadataOptions(), **options))


PROFILE = InstanceProfile(
    arn="arn:aws:iam::000000000000:instance-profile/app",
    profile_id="AIPAEXAMPLE",
    role_name="app-role",
)


@pytest.fixture
def signer() -> FakeSigner:
    return FakeSigner()
