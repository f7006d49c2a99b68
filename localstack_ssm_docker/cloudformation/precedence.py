"""Our resource providers win over LocalStack's of the same resource type. LocalStack's template
engine loads a type's provider by name from one plux PluginManager, whose index keeps the last
plugin found under a name; the order in which distributions (and so their plugins) are found is
the file system's, so it is made explicit: the manager's finder is wrapped to list this
package's plugins after every other. Our entry points have names of their own
(``aws::ec2::instance+docker``), so that none is dropped as a duplicate before the finder."""

from plux import PluginFinder, PluginSpec

OUR_PACKAGE = "localstack_ssm_docker"


def is_ours(spec: PluginSpec) -> bool:
    return getattr(spec.factory, "__module__", "").startswith(OUR_PACKAGE + ".")


class OursLast(PluginFinder):
    """The wrapped finder's plugins, in its order, with this package's moved to the end."""

    def __init__(self, inner: PluginFinder):
        self.inner = inner

    def find_plugins(self) -> list[PluginSpec]:
        return sorted(self.inner.find_plugins(), key=is_ours)


def prefer_our_resource_providers() -> None:
    """Idempotent; effective when called before the engine's first lookup (at infra start)."""
    from localstack.services.cloudformation.resource_provider import plugin_manager

    if not isinstance(plugin_manager.finder, OursLast):
        plugin_manager.finder = OursLast(plugin_manager.finder)
