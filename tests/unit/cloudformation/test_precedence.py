from localstack.services.cloudformation.resource_provider import (
    CloudFormationResourceProviderPlugin,
)
from plux import PluginFinder, PluginManager, PluginSpec

from localstack_ssm_docker.cloudformation.ec2_instance import Ec2InstanceProvider
from localstack_ssm_docker.cloudformation.plugins import Ec2InstanceProviderPlugin
from localstack_ssm_docker.cloudformation.precedence import OursLast

NAMESPACE = CloudFormationResourceProviderPlugin.namespace


class TheirInstancePlugin(CloudFormationResourceProviderPlugin):
    name = "AWS::EC2::Instance"

    def load(self):
        self.factory = object


class Listed(PluginFinder):
    """Specs in a given order, as distributions may be found in any."""

    def __init__(self, *plugins):
        self.plugins = plugins

    def find_plugins(self) -> list[PluginSpec]:
        return [PluginSpec(NAMESPACE, p.name, p) for p in self.plugins]


def test_ours_is_loaded_whichever_order_the_distributions_are_found_in():
    for order in (
        (Ec2InstanceProviderPlugin, TheirInstancePlugin),
        (TheirInstancePlugin, Ec2InstanceProviderPlugin),
    ):
        manager = PluginManager(NAMESPACE, finder=OursLast(Listed(*order)))
        assert manager.load("AWS::EC2::Instance").factory is Ec2InstanceProvider


def test_other_plugins_keep_their_order():
    class First(TheirInstancePlugin):
        name = "AWS::EC2::VPC"

    specs = OursLast(Listed(Ec2InstanceProviderPlugin, First, TheirInstancePlugin)).find_plugins()
    assert [s.factory for s in specs] == [First, TheirInstancePlugin, Ec2InstanceProviderPlugin]


def test_localstacks_engine_loads_ours_once_preferred():
    from localstack.services.cloudformation.resource_provider import ResourceProviderExecutor

    from localstack_ssm_docker.cloudformation.precedence import prefer_our_resource_providers

    prefer_our_resource_providers()
    prefer_our_resource_providers()  # idempotent
    provider = ResourceProviderExecutor.try_load_resource_provider("AWS::EC2::Instance")
    assert isinstance(provider, Ec2InstanceProvider)


def test_our_entry_points_keep_names_of_their_own():
    from importlib.metadata import entry_points

    from localstack_ssm_docker.cloudformation.plugins import Ec2LaunchTemplateProviderPlugin

    ours = {
        e.name: e.load()
        for e in entry_points(group=NAMESPACE)
        if e.value.startswith("localstack_ssm_docker.")
    }
    assert ours["aws::ec2::instance+docker"] is Ec2InstanceProviderPlugin
    assert ours["aws::ec2::launchtemplate"] is Ec2LaunchTemplateProviderPlugin
