"""Generated bad requests to every SSM and EC2 operation the extension serves: each reply is a
modelled AWS error or a success, never a 5xx, and what was stored before is still there after.

Cases per run (derandomized, the same every run): SSM_CASES per SSM operation (9 operations) and
EC2_CASES per EC2 operation (8 operations): 9 x 100 + 8 x 50 = 1,300 generated requests, plus the
hand-written malformed requests below. (Runs of 250 and 150 per operation with random seeds found
nothing more.)
"""

import json

import boto3
import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import AMI_ID
from tests.integration.helpers import finished, run_command, without_metadata
from tests.integration.raw_requests import Reply, ec2_query, ssm_json
from tests.integration.shape_strategies import junk, values

SSM_CASES = 100
EC2_CASES = 50
SSM_OPERATIONS = [
    "SendCommand",
    "CancelCommand",
    "GetCommandInvocation",
    "ListCommandInvocations",
    "ListCommands",
    "DescribeInstanceInformation",
    "DescribeDocument",
    "GetDocument",
    "ListDocuments",
    "CreateAssociation",
    "CreateAssociationBatch",
    "DescribeAssociation",
    "UpdateAssociation",
    "DeleteAssociation",
    "ListAssociations",
    "ListAssociationVersions",
    "StartAssociationsOnce",
    "DescribeAssociationExecutions",
    "DescribeAssociationExecutionTargets",
    "DescribeInstanceAssociationsStatus",
    "DescribeEffectiveInstanceAssociations",
    "ListComplianceItems",
    "ListComplianceSummaries",
    "AddTagsToResource",
    "ListTagsForResource",
    "RemoveTagsFromResource",
]
EC2_OPERATIONS = [
    "RunInstances",
    "StartInstances",
    "StopInstances",
    "RebootInstances",
    "TerminateInstances",
    "DescribeImages",
    "DescribeInstances",
    "CreateTags",
]
# Errors every AWS JSON service may answer with, whatever the operation models.
COMMON_JSON_ERRORS = {"SerializationException", "ValidationException", "UnknownOperationException"}
SERVER_ERRORS = {"InternalError", "InternalFailure", "InternalServerError", "ServiceUnavailable"}

SESSION = boto3.session.Session()
SSM_MODEL = SESSION.client("ssm", region_name="us-east-1").meta.service_model
EC2_MODEL = SESSION.client("ec2", region_name="us-east-1").meta.service_model


def fuzz_settings(cases: int):
    return settings(
        max_examples=cases,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@pytest.fixture
def stored(localstack, launch):
    """An instance with one finished command: it must survive the junk unchanged."""
    (instance_id,) = launch()
    ssm = localstack.client("ssm")
    command_id = run_command(ssm, instance_id, ["echo before"])
    before = finished(ssm, command_id, instance_id)
    assert before["StandardOutputContent"] == "before\n"
    return instance_id, command_id, without_metadata(before)


def assert_modelled(reply: Reply, allowed: set[str] | None) -> None:
    assert reply.status < 500, reply.body[:500]
    if reply.status >= 400:
        assert reply.error_code and reply.error_code not in SERVER_ERRORS, reply.body[:500]
        if allowed is not None:
            assert reply.error_code in allowed, reply.body[:500]


@pytest.mark.parametrize("operation", SSM_OPERATIONS)
def test_generated_ssm_requests_get_aws_answers(localstack, stored, operation):
    instance_id, command_id, before = stored
    model = SSM_MODEL.operation_model(operation)
    allowed = {shape.name for shape in model.error_shapes} | COMMON_JSON_ERRORS
    known = [instance_id, command_id, "AWS-RunShellScript", "echo fuzz"]

    sent = []

    @fuzz_settings(SSM_CASES)
    @given(body=values(model.input_shape, known) | junk)
    def send(body):
        sent.append(body)
        assert_modelled(ssm_json(localstack.endpoint, operation, body), allowed)

    send()
    assert len(sent) == SSM_CASES
    ssm = localstack.client("ssm")
    # associations the fuzz created must not run on later tests' instances
    for page in ssm.get_paginator("list_associations").paginate():
        for association in page["Associations"]:
            ssm.delete_association(AssociationId=association["AssociationId"])
    again = ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
    assert without_metadata(again) == before
    fresh = run_command(ssm, instance_id, ["echo after"])
    assert finished(ssm, fresh, instance_id)["StandardOutputContent"] == "after\n"


def flatten(shape: Shape, value, prefix: str) -> dict[str, str]:
    """EC2 query parameters for ``value``, however badly it fits ``shape``."""
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        pairs: dict[str, str] = {}
        for name, item in value.items():
            member = shape.members.get(name, shape)
            key = member.serialization.get("name", name) or "Empty"
            key = key[:1].upper() + key[1:]
            pairs |= flatten(member, item, f"{prefix}.{key}" if prefix else key)
        return pairs
    if isinstance(shape, ListShape) and isinstance(value, list):
        pairs = {}
        for index, item in enumerate(value, start=1):
            pairs |= flatten(shape.member, item, f"{prefix}.{index}")
        return pairs
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {f"{prefix}.{k}": str(v) for k, v in value.items()}
    if isinstance(value, bool):
        return {prefix: str(value).lower()}
    return {prefix: "" if value is None else str(value)}


@pytest.mark.parametrize("operation", EC2_OPERATIONS)
def test_generated_ec2_requests_get_aws_answers(localstack, launch, stored, operation):
    (sacrificial,) = launch()
    model = EC2_MODEL.operation_model(operation)
    known = [sacrificial, "ami-00000000000000000", "i-0123456789abcdef0"]
    extra = st.dictionaries(st.sampled_from(["Bogus", "InstanceId.x", "MaxCount.1"]), st.text())

    @fuzz_settings(EC2_CASES)
    @given(value=values(model.input_shape, known), extra=extra)
    def send(value, extra):
        params = flatten(model.input_shape, value, "") | extra
        if operation == "RunInstances":  # at most a few containers, whatever the counts say
            params["MaxCount"] = params.get("MaxCount", "1")[:1]
        sent.append(params)
        assert_modelled(ec2_query(localstack.endpoint, operation, params), None)

    sent = []
    send()
    assert len(sent) == EC2_CASES
    instance_id, command_id, before = stored
    ssm = localstack.client("ssm")
    again = ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
    assert without_metadata(again) == before


@pytest.mark.parametrize(
    ("operation", "body", "code"),
    [
        ("ListCommands", b"{not json", "SerializationException"),
        ("ListCommands", {"MaxResults": "ten"}, "SerializationException"),
        ("SendCommand", {"DocumentName": 5, "InstanceIds": ["i-1"]}, "SerializationException"),
        ("SendCommand", {"InstanceIds": ["i-1"]}, "ValidationException"),
        ("GetCommandInvocation", [], "SerializationException"),
        ("NoSuchOperation", {}, "UnknownOperationException"),
    ],
)
def test_malformed_ssm_bodies_get_400(localstack, operation, body, code):
    reply = ssm_json(localstack.endpoint, operation, body)
    assert (reply.status, reply.error_code) == (400, code), reply.body


@pytest.mark.parametrize(
    ("action", "params", "code"),
    [
        (
            "RunInstances",
            {"ImageId": "ami-1", "MinCount": "one", "MaxCount": "1"},
            "SerializationException",
        ),
        ("DescribeInstances", {"MaxResults": "x"}, "SerializationException"),
        ("StopInstances", {"Force": "maybe", "InstanceId.1": "i-1"}, "SerializationException"),
        ("NoSuchAction", {}, "InvalidAction"),
        (
            "RunInstances",
            {"ImageId": AMI_ID, "MinCount": "0", "MaxCount": "1"},
            "InvalidParameterValue",
        ),
        (
            "RunInstances",
            {"ImageId": AMI_ID, "MinCount": "3", "MaxCount": "2"},
            "InvalidParameterValue",
        ),
        (
            "RunInstances",
            {"ImageId": AMI_ID, "MinCount": "100000", "MaxCount": "100000"},
            "InstanceLimitExceeded",
        ),
    ],
)
def test_malformed_ec2_queries_get_400(localstack, action, params, code):
    reply = ec2_query(localstack.endpoint, action, params)
    assert (reply.status, reply.error_code) == (400, code), reply.body


def test_json_error_shape(localstack):
    reply = ssm_json(localstack.endpoint, "ListCommands", {"MaxResults": []})
    assert json.loads(reply.body)["__type"] == "SerializationException"
