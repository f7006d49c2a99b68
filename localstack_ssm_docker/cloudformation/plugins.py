"""Entry points (``localstack.cloudformation.resource_providers``) of our resource providers,
loaded by LocalStack's template engine by resource type, as it loads its own."""

from localstack.services.cloudformation.resource_provider import (
    CloudFormationResourceProviderPlugin,
    ResourceProvider,
)


class SsmDocumentProviderPlugin(CloudFormationResourceProviderPlugin):
    name = "AWS::SSM::Document"

    def __init__(self) -> None:
        self.factory: type[ResourceProvider] | None = None

    def load(self):
        from localstack_ssm_docker.cloudformation.ssm_document import SsmDocumentProvider

        self.factory = SsmDocumentProvider


class SsmAssociationProviderPlugin(CloudFormationResourceProviderPlugin):
    name = "AWS::SSM::Association"

    def __init__(self) -> None:
        self.factory: type[ResourceProvider] | None = None

    def load(self):
        from localstack_ssm_docker.cloudformation.ssm_association import SsmAssociationProvider

        self.factory = SsmAssociationProvider


class Ec2InstanceProviderPlugin(CloudFormationResourceProviderPlugin):
    """Shares its name with LocalStack's own: precedence.py makes this one the one loaded."""

    name = "AWS::EC2::Instance"

    def __init__(self) -> None:
        self.factory: type[ResourceProvider] | None = None

    def load(self):
        from localstack_ssm_docker.cloudformation.ec2_instance import Ec2InstanceProvider

        self.factory = Ec2InstanceProvider


class Ec2LaunchTemplateProviderPlugin(CloudFormationResourceProviderPlugin):
    name = "AWS::EC2::LaunchTemplate"

    def __init__(self) -> None:
        self.factory: type[ResourceProvider] | None = None

    def load(self):
        from localstack_ssm_docker.cloudformation.ec2_launch_template import (
            Ec2LaunchTemplateProvider,
        )

        self.factory = Ec2LaunchTemplateProvider


class AutoScalingGroupProviderPlugin(CloudFormationResourceProviderPlugin):
    name = "AWS::AutoScaling::AutoScalingGroup"

    def __init__(self) -> None:
        self.factory: type[ResourceProvider] | None = None

    def load(self):
        from localstack_ssm_docker.cloudformation.autoscaling_group import (
            AutoScalingGroupProvider,
        )

        self.factory = AutoScalingGroupProvider
