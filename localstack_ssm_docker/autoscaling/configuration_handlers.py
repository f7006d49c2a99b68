"""Auto Scaling's launch configurations: stored here, launched from by the reconciler through
EC2's RunInstances with the configuration's parameters."""

import uuid
from collections.abc import Callable

from localstack.aws.api import RequestContext, handler

from localstack_ssm_docker.autoscaling import views
from localstack_ssm_docker.autoscaling.api import (
    CreateLaunchConfigurationType,
    LaunchConfigurationNamesType,
    LaunchConfigurationNameType,
    LaunchConfigurationsType,
)
from localstack_ssm_docker.autoscaling.exceptions import (
    ValidationError,
    configuration_exists,
    configuration_in_use,
)
from localstack_ssm_docker.autoscaling.records import LaunchConfiguration
from localstack_ssm_docker.autoscaling.store import Groups


class ConfigurationHandlers:
    """Create, Describe and DeleteLaunchConfiguration."""

    def __init__(self, groups: Groups, clock: Callable[[], float]):
        self._groups = groups
        self._clock = clock

    @handler("CreateLaunchConfiguration", expand=False)
    def create_launch_configuration(
        self, context: RequestContext, request: CreateLaunchConfigurationType
    ) -> None:
        name = request["LaunchConfigurationName"]
        image_id, instance_type = request.get("ImageId"), request.get("InstanceType")
        if not image_id or not instance_type:
            raise ValidationError(
                "Valid requests must contain either the InstanceID parameter or both the ImageId "
                "and InstanceType parameters."
            )
        configuration = LaunchConfiguration(
            name=name,
            arn=(
                f"arn:aws:autoscaling:{context.region}:{context.account_id}:launchConfiguration:"
                f"{uuid.uuid4()}:launchConfigurationName/{name}"
            ),
            image_id=image_id,
            instance_type=instance_type,
            created_at=self._clock(),
            user_data=request.get("UserData"),
            key_name=request.get("KeyName"),
            security_groups=tuple(request.get("SecurityGroups") or ()),
            iam_instance_profile=request.get("IamInstanceProfile"),
        )
        if not self._groups.add_configuration(context.account_id, context.region, configuration):
            raise configuration_exists(name)

    @handler("DescribeLaunchConfigurations", expand=False)
    def describe_launch_configurations(
        self, context: RequestContext, request: LaunchConfigurationNamesType
    ) -> LaunchConfigurationsType:
        names = request.get("LaunchConfigurationNames")
        return LaunchConfigurationsType(
            LaunchConfigurations=[
                views.launch_configuration(c)
                for c in self._groups.configurations(context.account_id, context.region)
                if not names or c.name in names
            ]
        )

    @handler("DeleteLaunchConfiguration", expand=False)
    def delete_launch_configuration(
        self, context: RequestContext, request: LaunchConfigurationNameType
    ) -> None:
        name = request["LaunchConfigurationName"]
        account_id, region = context.account_id, context.region
        if any(g.source.configuration == name for g in self._groups.all(account_id, region)):
            raise configuration_in_use(name)
        if not self._groups.remove_configuration(account_id, region, name):
            raise ValidationError(
                f"Launch configuration name not found - Launch configuration {name} not found"
            )
