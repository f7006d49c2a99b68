import botocore.session
from localstack.aws.protocol.parser import OperationNotFoundParserError, ProtocolParserError

from localstack_ssm_docker.gateway import client_errors
from localstack_ssm_docker.gateway.shape_check import ShapeProblem, first_problem

SSM = botocore.session.get_session().get_service_model("ssm")
SEND_COMMAND = SSM.operation_model("SendCommand").input_shape


def test_a_well_typed_request_has_no_problem():
    request = {"DocumentName": "AWS-RunShellScript", "Parameters": {"commands": ["id"]}}
    assert first_problem(SEND_COMMAND, request) is None


def test_wrong_types_are_found_depth_first():
    assert first_problem(SEND_COMMAND, {"DocumentName": 5}) == ShapeProblem(
        "type", "DocumentName", "string"
    )
    request = {"DocumentName": "d", "Parameters": {"commands": ["id", 7]}}
    assert first_problem(SEND_COMMAND, request) == ShapeProblem(
        "type", "Parameters.commands[1]", "string"
    )
    assert first_problem(SEND_COMMAND, {"DocumentName": "d", "TimeoutSeconds": True}).kind == "type"
    assert first_problem(SEND_COMMAND, None) == ShapeProblem("type", "", "structure")


def test_missing_required_member():
    assert first_problem(SEND_COMMAND, {}) == ShapeProblem("missing", "DocumentName", "string")


def test_errors_for_shape_problems_per_protocol():
    missing = ShapeProblem("missing", "DocumentName", "string")
    json_error = client_errors.for_shape_problem("json", missing)
    assert json_error.code == "ValidationException"
    assert "'documentName'" in json_error.message
    assert client_errors.for_shape_problem("ec2", missing).code == "MissingParameter"
    wrong = ShapeProblem("type", "A\x00", "string")
    error = client_errors.for_shape_problem("json", wrong)
    assert (error.code, error.status_code) == ("SerializationException", 400)
    assert "\x00" not in error.message


def test_errors_for_parse_failures():
    assert client_errors.for_parse_failure("json", ProtocolParserError("bad")).code == (
        "SerializationException"
    )
    unknown = OperationNotFoundParserError("no such operation")
    assert client_errors.for_parse_failure("ec2", unknown).code == "InvalidAction"
    assert client_errors.for_parse_failure("json", unknown).code == "UnknownOperationException"


def test_characters_xml_cannot_carry_are_found_for_xml_protocols():
    ec2 = botocore.session.get_session().get_service_model("ec2")
    start = ec2.operation_model("StartInstances").input_shape
    request = {"InstanceIds": ["i-1", "i-\x1f"]}
    assert first_problem(start, request) is None
    problem = first_problem(start, request, xml_safe=True)
    assert problem == ShapeProblem("character", "InstanceIds[1]", "string")
    assert client_errors.for_shape_problem("ec2", problem).code == "InvalidParameterValue"
    assert first_problem(start, {"InstanceIds": ["i-\t\n"]}, xml_safe=True) is None
