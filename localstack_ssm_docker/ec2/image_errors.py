"""CreateImage's errors, with AWS's codes and messages."""

from localstack.aws.api import CommonServiceException


class InvalidInstanceIdNotFound(CommonServiceException):
    def __init__(self, instance_id: str):
        super().__init__(
            "InvalidInstanceID.NotFound", f"The instance ID '{instance_id}' does not exist"
        )


class IncorrectInstanceState(CommonServiceException):
    """An instance that is neither running nor stopped (terminated, or on its way)."""

    def __init__(self, instance_id: str, state: str):
        super().__init__(
            "IncorrectInstanceState",
            f"The instance '{instance_id}' is not in a state from which it can be imaged "
            f"(it is {state}).",
        )


class InvalidAmiNameMalformed(CommonServiceException):
    def __init__(self) -> None:
        super().__init__(
            "InvalidAMIName.Malformed",
            "AMI names must be between 3 and 128 characters long, and may contain letters, "
            "numbers, spaces, '(', ')', '[', ']', '.', '/', '-', \"'\", '@' and '_'",
        )


class InvalidAmiNameDuplicate(CommonServiceException):
    def __init__(self, name: str, ami_id: str):
        super().__init__(
            "InvalidAMIName.Duplicate", f"AMI name {name} is already in use by AMI {ami_id}"
        )


class InvalidTagSpecification(CommonServiceException):
    """TagSpecifications of CreateImage name only `image` and `snapshot`."""

    def __init__(self, resource_type: str):
        super().__init__(
            "InvalidParameterValue",
            f"'{resource_type}' is not a valid taggable resource type for this operation.",
        )
