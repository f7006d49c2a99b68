"""Auto Scaling's errors as this provider raises them, with AWS's codes and messages."""

from localstack.aws.api import CommonServiceException

from localstack_ssm_docker.autoscaling.api import (
    AlreadyExistsFault,
    InvalidNextToken,
    LimitExceededFault,
    ResourceInUseFault,
    ScalingActivityInProgressFault,
)


class ValidationError(CommonServiceException):
    """A request AWS refuses as invalid (bounds, names, missing launch sources)."""

    def __init__(self, message: str):
        super().__init__("ValidationError", message, sender_fault=True)


def group_not_found(name: str) -> ValidationError:
    return ValidationError(f"AutoScalingGroup name not found - AutoScalingGroup {name} not found")


def group_exists(name: str) -> AlreadyExistsFault:
    return AlreadyExistsFault(f"AutoScalingGroup by this name already exists - {name}")


def configuration_exists(name: str) -> AlreadyExistsFault:
    return AlreadyExistsFault(f"Launch Configuration by this name already exists - {name}")


def group_has_instances() -> ResourceInUseFault:
    return ResourceInUseFault(
        "You cannot delete an AutoScalingGroup while there are instances or pending Spot "
        "instance request(s) still in the group."
    )


def configuration_in_use(name: str) -> ResourceInUseFault:
    return ResourceInUseFault(
        f"Cannot delete launch configuration {name} because it is attached to AutoScalingGroup"
    )


def activity_in_progress() -> ScalingActivityInProgressFault:
    return ScalingActivityInProgressFault(
        "You cannot delete an AutoScalingGroup while there are scaling activities in progress "
        "for that group."
    )


def tagged_group_not_found(name: str) -> ValidationError:
    """CreateOrUpdateTags and DeleteTags name a group that does not exist (their own wording)."""
    return ValidationError(f"AutoScalingGroup not found - AutoScaling Group {name} not found")


def too_many_tags(limit: int) -> LimitExceededFault:
    return LimitExceededFault(f"The number of tags on an Auto Scaling group cannot exceed {limit}.")


def invalid_token() -> InvalidNextToken:
    return InvalidNextToken("The NextToken value is invalid.")
