"""EC2's errors as this backend raises them, with AWS's codes and messages."""

from localstack.aws.api import CommonServiceException


class EngineUnavailableError(CommonServiceException):
    """AWS's reply (503 Unavailable) to a request that needs the Docker engine when the engine did
    not do what was asked; EC2's and SSM's handlers both answer with it. Inside the engine layer the
    cause is `engine.errors.EngineNotAnswering` (no engine answers) or another `EngineError`."""

    def __init__(self, reason: str):
        super().__init__(
            "Unavailable",
            f"The Docker engine behind the EC2 instances could not serve the request: {reason}",
            status_code=503,
            sender_fault=False,
        )


class InvalidAmiIdNotFound(CommonServiceException):
    """An AMI that does not exist."""

    def __init__(self, ami_id: str):
        super().__init__(
            "InvalidAMIID.NotFound", f"The image id '[{ami_id}]' does not exist", status_code=400
        )


class InvalidAmiIdMalformed(CommonServiceException):
    """A string that is not an AMI id."""

    def __init__(self, ami_id: str):
        super().__init__(
            "InvalidAMIID.Malformed",
            f'Invalid id: "{ami_id}" (expecting "ami-...")',
            status_code=400,
        )


class InvalidParameterValue(CommonServiceException):
    """A parameter whose value EC2 does not accept."""

    def __init__(self, message: str):
        super().__init__("InvalidParameterValue", message)


class InstanceLimitExceeded(CommonServiceException):
    """More instances than the account may have in the region."""

    def __init__(self, requested: int, limit: int):
        super().__init__(
            "InstanceLimitExceeded",
            f"You have requested more instances ({requested}) than your current instance limit "
            f"of {limit} allows (EC2_MAX_INSTANCES).",
        )


class MissingParameter(CommonServiceException):
    """A parameter the request needs, absent (from the request and any launch template)."""

    def __init__(self, name: str):
        super().__init__("MissingParameter", f"The request must contain the parameter {name}")


class InvalidUserDataMalformed(CommonServiceException):
    """User data that is not base64 (the API carries it base64-encoded)."""

    def __init__(self) -> None:
        super().__init__("InvalidUserData.Malformed", "Invalid BASE64 encoding of user data.")


class InvalidParameterCombination(CommonServiceException):
    """Parameters EC2 does not take together."""

    def __init__(self, message: str):
        super().__init__("InvalidParameterCombination", message)


class LaunchTemplateIdNotFound(CommonServiceException):
    """A launch template named by an id that no template of the account and region has."""

    def __init__(self, template_id: str):
        super().__init__(
            "InvalidLaunchTemplateId.NotFound",
            f"The specified launch template, with template ID {template_id}, does not exist.",
        )


class LaunchTemplateNameNotFound(CommonServiceException):
    """A launch template named by a name that no template of the account and region has."""

    def __init__(self, name: str):
        super().__init__(
            "InvalidLaunchTemplateName.NotFoundException",
            f"The specified launch template, with template name {name}, does not exist.",
        )


class LaunchTemplateVersionNotFound(CommonServiceException):
    """A version (a number, `$Latest` or `$Default`) the launch template does not have."""

    def __init__(self, version: str, template_id: str):
        super().__init__(
            "InvalidLaunchTemplateId.VersionNotFound",
            f"Could not find the specified version {version} for the launch template with ID "
            f"{template_id}.",
        )


class InvalidKeyPairNotFound(CommonServiceException):
    """A KeyName that names no key pair of the account and region."""

    def __init__(self, key_name: str):
        super().__init__(
            "InvalidKeyPair.NotFound", f"The key pair '{key_name}' does not exist", status_code=400
        )


class InstanceNotStopped(CommonServiceException):
    """AWS's IncorrectInstanceState for a change only a stopped instance takes (its type)."""

    def __init__(self, instance_id: str):
        super().__init__(
            "IncorrectInstanceState", f"The instance '{instance_id}' is not in the 'stopped' state."
        )


class InvalidInstanceAttributeValue(CommonServiceException):
    """An instance attribute value EC2 does not accept (an instance type AWS does not have)."""

    def __init__(self, message: str):
        super().__init__("InvalidInstanceAttributeValue", message)
