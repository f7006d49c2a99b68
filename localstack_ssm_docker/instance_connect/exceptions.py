"""EC2 Instance Connect's errors, with the codes of its service model."""

from localstack.aws.api import CommonServiceException


class EC2InstanceNotFoundException(CommonServiceException):
    """No such instance in the account and region (or in the Availability Zone named)."""

    def __init__(self, instance_id: str):
        super().__init__(
            "EC2InstanceNotFoundException", f"Instance {instance_id} was not found.", 400
        )


class EC2InstanceStateInvalidException(CommonServiceException):
    """The instance is not running (stopped, stopping, pending, terminated)."""

    def __init__(self, instance_id: str, state: str):
        super().__init__(
            "EC2InstanceStateInvalidException",
            f"Unable to connect because the instance {instance_id} is not in a valid state "
            f"({state}). Connecting to a stopped or terminated instance is not supported. If the "
            "instance is stopped, start your instance, and try to connect again.",
            400,
        )


class InvalidArgsException(CommonServiceException):
    """A parameter that is not valid (a key that is neither RSA nor ED25519 in OpenSSH's
    format, say)."""

    def __init__(self, message: str):
        super().__init__("InvalidArgsException", message, 400)


class SerialConsoleAccessDisabledException(CommonServiceException):
    """The account has not enabled the EC2 Serial Console (no instance here has one)."""

    def __init__(self) -> None:
        super().__init__(
            "SerialConsoleAccessDisabledException",
            "Your account is not authorized to use the EC2 Serial Console. To authorize your "
            "account, run the EnableSerialConsoleAccess API.",
            400,
        )
