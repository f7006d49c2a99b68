"""LocalStack's EC2 provider, with a Docker container behind every instance: it composes the
handler groups that answer the instance, image, instance-profile and metadata-options operations
(each constructed with what it depends on) and keeps the instances' state and lifecycle."""

from typing import TYPE_CHECKING

from localstack.services.ec2.provider import Ec2Provider
from localstack.state import StateVisitor

from localstack_ssm_docker.ec2 import models
from localstack_ssm_docker.ec2.events import InstanceEvents
from localstack_ssm_docker.ec2.image_handlers import ImageHandlers
from localstack_ssm_docker.ec2.images import ImageService
from localstack_ssm_docker.ec2.instance_handlers import InstanceHandlers
from localstack_ssm_docker.ec2.instance_type_handlers import InstanceTypeHandlers
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.limits import InstanceSlots
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.engine.interface import ContainerEngine
from localstack_ssm_docker.imds.options_handlers import MetadataOptionsHandlers
from localstack_ssm_docker.imds.profile_handlers import InstanceProfileHandlers

if TYPE_CHECKING:
    from localstack_ssm_docker.imds.service import MetadataService


class Ec2DockerProvider(Ec2Provider):
    """The instance operations (`instance_handlers.py`), instance type changes
    (`instance_type_handlers.py`), CreateImage and DeregisterImage
    (`image_handlers.py`, with an image service), instance profiles and metadata options
    (`imds/`) as handler groups (`handler_groups.dispatch_table` dispatches to them)."""

    def __init__(
        self,
        engine: ContainerEngine,
        instances: InstanceManager,
        lifecycle: InstanceLifecycle,
        max_instances: int,
        events: InstanceEvents | None = None,
        metadata: "MetadataService | None" = None,
        images: ImageService | None = None,
    ):
        super().__init__()
        self._images = images
        self._lifecycle = lifecycle
        self._metadata = metadata
        self.profiles = InstanceProfileHandlers(metadata)
        self.metadata_options = MetadataOptionsHandlers()
        self.instances = InstanceHandlers(
            engine,
            instances,
            InstanceSlots(max_instances, models.count),
            events or InstanceEvents(),
            metadata,
            self.profiles,
            after_terminate=images.sweep if images else None,
            show_captured=images.show if images else None,
        )
        self.images = ImageHandlers(images) if images else None
        self.instance_types = InstanceTypeHandlers(instances)

    @property
    def handler_groups(self) -> tuple[object, ...]:
        groups = (self.instances, self.instance_types, self.profiles, self.metadata_options)
        return (*groups, self.images) if self.images else groups

    def accept_state_visitor(self, visitor: StateVisitor):
        super().accept_state_visitor(visitor)
        visitor.visit(instance_stores)

    def on_before_start(self):
        # the lifecycle also shuts the instances down, once every service has stopped
        self._lifecycle.start()
        if self._images is not None:  # after the instances: their moto state comes back first
            self._images.recover()
            self._lifecycle.after_shutdown(self._images.shutdown)
        if self._metadata is not None:
            self._metadata.start()
            self._lifecycle.after_shutdown(self._metadata.stop)
