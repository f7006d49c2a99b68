"""LocalStack's EC2 provider, with a Docker container behind every instance."""

import logging
from typing import TYPE_CHECKING

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ec2 import (
    CreateTagsRequest,
    DescribeImagesRequest,
    DescribeImagesResult,
    DescribeInstancesRequest,
    DescribeInstancesResult,
    RebootInstancesRequest,
    Reservation,
    RunInstancesRequest,
    StartInstancesRequest,
    StartInstancesResult,
    StopInstancesRequest,
    StopInstancesResult,
    TerminateInstancesRequest,
    TerminateInstancesResult,
)
from localstack.services.ec2.provider import Ec2Provider
from localstack.services.moto import call_moto, call_moto_with_request
from localstack.state import StateVisitor
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.amis import require_ami, sync_into_moto
from localstack_ssm_docker.ec2.events import InstanceEvents
from localstack_ssm_docker.ec2.exceptions import EngineUnavailableError, InvalidParameterValue
from localstack_ssm_docker.ec2.instances import InstanceManager
from localstack_ssm_docker.ec2.lifecycle import InstanceLifecycle
from localstack_ssm_docker.ec2.limits import counts_within_limit
from localstack_ssm_docker.ec2.models import instance_stores
from localstack_ssm_docker.ec2.private_addresses import show_container_addresses
from localstack_ssm_docker.engine.errors import (
    EngineError,
)
from localstack_ssm_docker.engine.interface import (
    ContainerEngine,
)
from localstack_ssm_docker.imds.options_handler import MetadataOptionsHandlers
from localstack_ssm_docker.imds.profile_handlers import InstanceProfileHandlers, resolve_profile

if TYPE_CHECKING:
    from localstack_ssm_docker.imds.service import MetadataService

LOG = logging.getLogger(__name__)


class Ec2DockerProvider(  # the mixins' handlers take the whole request (see pyproject: misc)
    InstanceProfileHandlers, MetadataOptionsHandlers, Ec2Provider
):
    """RunInstances & co. go to moto first, then the containers follow."""

    def __init__(
        self,
        engine: ContainerEngine,
        instances: InstanceManager,
        lifecycle: InstanceLifecycle,
        max_instances: int,
        events: InstanceEvents | None = None,
        metadata: "MetadataService | None" = None,
    ):
        super().__init__()
        self._events = events or InstanceEvents()
        self._engine = engine
        self._instances = instances
        self._lifecycle = lifecycle
        self._max_instances = max_instances
        self._metadata = metadata

    def accept_state_visitor(self, visitor: StateVisitor):
        super().accept_state_visitor(visitor)
        visitor.visit(instance_stores)

    def on_before_start(self):
        # the lifecycle also shuts the instances down, once every service has stopped
        self._lifecycle.start()
        if self._metadata is not None:
            self._metadata.start()
            self._lifecycle.after_shutdown(self._metadata.stop)

    @handler("DescribeImages", expand=False)
    def describe_images(
        self, context: RequestContext, request: DescribeImagesRequest
    ) -> DescribeImagesResult:
        try:
            images = self._engine.ami_images()
        except EngineError as e:
            LOG.warning("Docker-backed AMIs are not listed: %s", e)
        else:
            sync_into_moto(ec2_backends[context.account_id][context.region], images)
        return call_moto(context)

    @handler("DescribeInstances", expand=False)
    def describe_instances(
        self, context: RequestContext, request: DescribeInstancesRequest
    ) -> DescribeInstancesResult:
        max_results = request.get("MaxResults")
        if max_results is not None and not 5 <= max_results <= 1000:
            raise InvalidParameterValue(
                f"Value ( {max_results} ) for parameter maxResults is invalid. "
                "Expecting a value between 5 and 1000.",
            )
        try:
            return call_moto(context)
        except ValueError as e:  # moto looks the token up in its page with list.index()
            if not request.get("NextToken"):
                raise
            raise InvalidParameterValue("The value of NextToken is not valid.") from e

    @handler("RunInstances", expand=False)
    def run_instances(self, context: RequestContext, request: RunInstancesRequest) -> Reservation:
        backend = ec2_backends[context.account_id][context.region]
        try:
            images = self._engine.ami_images()
        except EngineError as e:
            raise EngineUnavailableError(str(e)) from e
        if image_id := request.get("ImageId"):
            require_ami(images, image_id)
        existing = len(instance_stores[context.account_id][context.region].instances)
        allowed = counts_within_limit(request, existing, self._max_instances)
        profile = resolve_profile(context, request.get("IamInstanceProfile"))
        if request.get("IamInstanceProfile"):  # LocalStack's IAM, not moto's, knows the profile
            allowed = {k: v for k, v in allowed.items() if k != "IamInstanceProfile"}  # type: ignore[assignment]
        sync_into_moto(backend, images)
        if allowed is request:
            reservation = call_moto(context)
        else:
            reservation = call_moto_with_request(context, allowed)
        instance_ids = [i["InstanceId"] for i in reservation["Instances"]]
        try:
            ami = require_ami(images, reservation["Instances"][0]["ImageId"])
            records = self._instances.launch(
                context.account_id, context.region, instance_ids, ami, request.get("UserData")
            )
        except Exception as e:
            backend.terminate_instances(instance_ids)
            backend.reservations.pop(reservation["ReservationId"], None)
            if isinstance(e, EngineError):
                raise EngineUnavailableError(str(e)) from e
            raise
        self._after_launch(context, reservation, records, profile)
        self._events.changed(context.account_id, context.region, instance_ids)
        return reservation

    @handler("StopInstances", expand=False)
    def stop_instances(
        self, context: RequestContext, request: StopInstancesRequest
    ) -> StopInstancesResult:
        result = call_moto(context)
        self._instances.stop(context.account_id, context.region, request["InstanceIds"])
        return result

    @handler("StartInstances", expand=False)
    def start_instances(
        self, context: RequestContext, request: StartInstancesRequest
    ) -> StartInstancesResult:
        result = call_moto(context)
        self._instances.start(context.account_id, context.region, request["InstanceIds"])
        self._follow_addresses(context, request["InstanceIds"])
        self._events.changed(
            context.account_id, context.region, request["InstanceIds"], restarted=True
        )
        return result

    @handler("CreateTags", expand=False)
    def create_tags(self, context: RequestContext, request: CreateTagsRequest) -> None:
        call_moto(context)
        self._events.changed(context.account_id, context.region, request["Resources"])

    @handler("RebootInstances", expand=False)
    def reboot_instances(self, context: RequestContext, request: RebootInstancesRequest) -> None:
        call_moto(context)
        self._instances.reboot(context.account_id, context.region, request["InstanceIds"])

    @handler("TerminateInstances", expand=False)
    def terminate_instances(
        self, context: RequestContext, request: TerminateInstancesRequest
    ) -> TerminateInstancesResult:
        result = call_moto(context)
        self._instances.terminate(context.account_id, context.region, request["InstanceIds"])
        self.forget_profiles(context, request["InstanceIds"])
        return result

    def _after_launch(self, context: RequestContext, reservation: Reservation, records, profile):
        """DescribeInstances shows the addresses the containers really have; the profile is
        associated with every instance launched."""
        addresses = {record.instance_id: record.ip_address for record in records}
        show_container_addresses(context.account_id, context.region, addresses)
        if self._metadata is not None:  # the responder knows them before their first request
            self._metadata.refresh()
        for described in reservation.get("Instances") or []:
            instance_id = str(described.get("InstanceId"))
            if addresses.get(instance_id):
                described["PrivateIpAddress"] = addresses[instance_id]
            if profile is not None:
                association = self.associate_profile(context, instance_id, profile)
                described["IamInstanceProfile"] = {
                    "Arn": association.profile_arn,
                    "Id": association.profile_id,
                }

    def _follow_addresses(self, context: RequestContext, instance_ids: list[str]) -> None:
        """A started container may have a new address: records and DescribeInstances follow."""
        records = instance_stores[context.account_id][context.region].instances
        addresses = {}
        for instance_id in instance_ids:
            record = records.get(instance_id)
            if record is None:
                continue
            try:
                record.ip_address = self._engine.describe(record.container_id).ip_address
            except EngineError as e:
                LOG.warning("address of %s not read: %s", instance_id, e)
                continue
            addresses[instance_id] = record.ip_address
        show_container_addresses(context.account_id, context.region, addresses)
        if self._metadata is not None:
            self._metadata.refresh()

    def _forget_credentials(self, instance_id: str) -> None:
        if self._metadata is not None:
            self._metadata.forget(instance_id)
