import botocore.session
import pytest
from localstack.aws.api import CommonServiceException, RequestContext
from localstack.http import Request

from localstack_ssm_docker.gateway.handlers import CheckShapes

SESSION = botocore.session.get_session()
CHECK = CheckShapes(frozenset({"ssm", "ec2"}))


def context_for(service: str, operation: str, request: dict) -> RequestContext:
    context = RequestContext(Request("POST", "/"))
    context.service = SESSION.get_service_model(service)
    context.operation = context.service.operation_model(operation)
    context.service_request = request
    return context


def rejection(service: str, operation: str, request: dict) -> CommonServiceException | None:
    try:
        CHECK(None, context_for(service, operation, request), None)  # type: ignore[arg-type]
    except CommonServiceException as error:
        return error
    return None


def test_a_json_request_gets_every_violation_and_missing_member_at_once():
    error = rejection("ssm", "SendCommand", {"Comment": "c" * 101, "TimeoutSeconds": 1})
    assert error is not None
    assert error.code == "ValidationException"
    assert error.message.startswith("3 validation errors detected: ")
    assert "Value null at 'documentName'" in error.message


def test_a_wrong_type_is_a_serialization_error_before_any_constraint():
    error = rejection("ssm", "SendCommand", {"Comment": "c" * 101, "TimeoutSeconds": "1"})
    assert error is not None
    assert error.code == "SerializationException"


def test_a_valid_request_passes():
    assert rejection("ssm", "ListCommands", {"MaxResults": 50}) is None


@pytest.mark.parametrize(
    ("request_", "code"),
    [({}, "MissingParameter"), ({"InstanceIds": ["i-\x00"]}, "InvalidParameterValue")],
)
def test_ec2_keeps_its_own_errors(request_, code):
    error = rejection("ec2", "StartInstances", request_)
    assert error is not None
    assert error.code == code


def test_ec2_constraints_are_left_to_its_provider():
    # EC2 answers InvalidParameterValue in its own words for an unknown type, not the model's enum
    request = {"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1, "InstanceType": "x9.huge"}
    assert rejection("ec2", "RunInstances", request) is None


def test_other_services_are_not_checked():
    context = context_for("ssm", "SendCommand", {})
    CheckShapes(frozenset({"ec2"}))(None, context, None)  # type: ignore[arg-type]
