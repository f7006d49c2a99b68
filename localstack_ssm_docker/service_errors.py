"""The error both services answer with when the Docker engine cannot serve a request."""

from localstack.aws.api import CommonServiceException


class EngineUnavailableError(CommonServiceException):
    """The request needs the Docker engine, and it did not do what was asked (503)."""

    def __init__(self, reason: str):
        super().__init__(
            "Unavailable",
            f"The Docker engine behind the EC2 instances could not serve the request: {reason}",
            status_code=503,
            sender_fault=False,
        )
