"""A resource handler's failure as CloudFormation reports it: the service's own message, status
and request id inside ``Resource handler returned message: "..."``, with the request token and
the handler error code CloudFormation's registry handlers give."""

import uuid
from typing import Any

from botocore.exceptions import ClientError
from localstack.services.cloudformation.resource_provider import OperationStatus, ProgressEvent


def _handler_error_code(code: str, status: int) -> str:
    if code.endswith(".NotFound") or code.endswith("NotFoundException"):
        return "NotFound"
    if "LimitExceeded" in code or code == "InsufficientInstanceCapacity":
        return "ServiceLimitExceeded"
    if code in ("Throttling", "RequestLimitExceeded"):
        return "Throttling"
    if status >= 500:
        return "ServiceInternalError"
    return "InvalidRequest"


def handler_failure(
    service: str,
    code: str,
    message: str,
    request_token: str,
    status: int = 400,
    request_id: str | None = None,
    model: Any = None,
) -> ProgressEvent:
    """FAILED with CloudFormation's reason for a handler whose call to `service` failed."""
    handler_code = _handler_error_code(code, status)
    request_id = request_id or str(uuid.uuid4())
    return ProgressEvent(
        status=OperationStatus.FAILED,
        resource_model=model if model is not None else {},
        message=(
            f'Resource handler returned message: "{message} (Service: {service}, Status Code: '
            f'{status}, Request ID: {request_id})" (RequestToken: {request_token}, '
            f"HandlerErrorCode: {handler_code})"
        ),
        error_code=handler_code,
    )


def client_error_failure(
    service: str, error: ClientError, request_token: str, model: Any = None
) -> ProgressEvent:
    response = error.response
    details = response.get("Error", {})
    metadata = response.get("ResponseMetadata", {})
    return handler_failure(
        service,
        str(details.get("Code", "")),
        str(details.get("Message", "")),
        request_token,
        status=int(metadata.get("HTTPStatusCode") or 400),
        request_id=metadata.get("RequestId"),
        model=model,
    )
