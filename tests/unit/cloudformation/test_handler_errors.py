from botocore.exceptions import ClientError
from localstack.services.cloudformation.resource_provider import OperationStatus

from localstack_ssm_docker.cloudformation.handler_errors import client_error_failure


def test_a_service_error_is_reported_as_cloudformation_reports_handler_failures():
    error = ClientError(
        {
            "Error": {
                "Code": "InvalidAMIID.NotFound",
                "Message": "The image id '[ami-1]' does not exist",
            },
            "ResponseMetadata": {"HTTPStatusCode": 400, "RequestId": "r-1"},
        },
        "RunInstances",
    )
    event = client_error_failure("Ec2", error, "token-1")
    assert event.status == OperationStatus.FAILED
    assert event.message == (
        "Resource handler returned message: \"The image id '[ami-1]' does not exist "
        '(Service: Ec2, Status Code: 400, Request ID: r-1)" '
        "(RequestToken: token-1, HandlerErrorCode: NotFound)"
    )


def test_other_client_errors_are_invalid_requests():
    error = ClientError(
        {
            "Error": {
                "Code": "InvalidParameterValue",
                "Message": "Invalid value 'x' for InstanceType.",
            },
            "ResponseMetadata": {"HTTPStatusCode": 400, "RequestId": "r-2"},
        },
        "RunInstances",
    )
    assert client_error_failure("Ec2", error, "t").error_code == "InvalidRequest"
