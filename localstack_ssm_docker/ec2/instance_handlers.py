"""EC2's instance operations for Docker-backed instances: RunInstances & co. go to moto first,
then the containers follow (and moto follows the containers for Stop, Start and Terminate).
Constructed with the engine, the instance manager, the instance limit, the events State Manager
listens to, the metadata service, the instance-profile associations, what follows a termination
and the launch templates RunInstances reads (ec2/launch_templates.py merges them)."""

import base64
import binascii
import functools
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from localstack.aws.api import RequestContext, ServiceRequest, handler
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
from localstack.services.moto import call_moto, call_moto_with_request
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2 import models
from localstack_ssm_docker.ec2.amis import require_ami, sync_into_moto, visible_to
from localstack_ssm_docker.ec2.events import InstanceEvents
from localstack_ssm_docker.ec2.exceptions import (
    EngineUnavailableError,
    InvalidParameterValue,
    InvalidUserDataMalformed,
)
from localstack_ssm_docker.ec2.instance_types import is_known
from localstack_ssm_docker.ec2.instances import InstanceManager, Outcome, ShuttingDown
from localstack_ssm_docker.ec2.key_pairs import launch_key
from localstack_ssm_docker.ec2.launch_template_source import MotoLaunchTemplates
from localstack_ssm_docker.ec2.launch_templates import LaunchTemplateSource, with_launch_template
from localstack_ssm_docker.ec2.limits import InstanceSlots
from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.interface import ContainerEngine
from localstack_ssm_docker.imds.profile_handlers import InstanceProfileHandlers, resolve_profile

if TYPE_CHECKING:
    from localstack_ssm_docker.imds.service import MetadataService

LOG = logging.getLogger(__name__)


class InstanceHandlers:
    """DescribeImages, DescribeInstances, RunInstances, StopInstances, StartInstances,
    CreateTags, RebootInstances and TerminateInstances."""

    def __init__(
        self,
        engine: ContainerEngine,
        instances: InstanceManager,
        slots: InstanceSlots,
        events: InstanceEvents,
        metadata: "MetadataService | None",
        profiles: InstanceProfileHandlers,
        after_terminate: Callable[[], None] | None = None,
        show_captured: Callable[[str, str], None] | None = None,
        launch_templates: LaunchTemplateSource | None = None,
    ):
        self._launch_templates = launch_templates or MotoLaunchTemplates()
        self._after_terminate = after_terminate
        self._show_captured = show_captured
        self._engine = engine
        self._instances = instances
        self._slots = slots
        self._events = events
        self._metadata = metadata
        self._profiles = profiles

    @handler("DescribeImages", expand=False)
    def describe_images(
        self, context: RequestContext, request: DescribeImagesRequest
    ) -> DescribeImagesResult:
        try:
            images = visible_to(self._engine.ami_images(), context.account_id, context.region)
        except EngineError as e:
            LOG.warning("Docker-backed AMIs are not listed: %s", e)
        else:
            sync_into_moto(ec2_backends[context.account_id][context.region], images)
        self._captured_into_moto(context)
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
        asked = request  # a launch template's parameters merged in: what follows sees them all
        request = cast(
            RunInstancesRequest,
            with_launch_template(
                self._launch_templates, context.account_id, context.region, request
            ),
        )
        backend = ec2_backends[context.account_id][context.region]
        try:
            images = visible_to(self._engine.ami_images(), context.account_id, context.region)
        except EngineError as e:
            raise EngineUnavailableError(str(e)) from e
        if image_id := request.get("ImageId"):
            require_ami(images, image_id)
        instance_type = request.get("InstanceType")
        if instance_type is not None and not is_known(instance_type):
            raise InvalidParameterValue(f"Invalid value '{instance_type}' for InstanceType.")
        public_key = launch_key(backend.key_pairs, request.get("KeyName"))
        with self._slots.taken(context.account_id, context.region, request) as allowed:
            profile = resolve_profile(context, request.get("IamInstanceProfile"))
            if request.get("IamInstanceProfile"):  # LocalStack's IAM, not moto's, knows it
                allowed = {k: v for k, v in allowed.items() if k != "IamInstanceProfile"}  # type: ignore[assignment]
            sync_into_moto(backend, images)
            self._captured_into_moto(context)
            if allowed is asked:
                reservation = call_moto(context)
            else:
                reservation = call_moto_with_request(context, _reserialized(allowed))
            instance_ids = [i["InstanceId"] for i in reservation["Instances"]]
            try:
                ami = require_ami(images, reservation["Instances"][0]["ImageId"])
                records = self._instances.launch(
                    context.account_id,
                    context.region,
                    instance_ids,
                    ami,
                    request.get("UserData"),
                    public_key,
                    instance_type=reservation["Instances"][0].get("InstanceType"),
                )
            except Exception as e:
                backend.terminate_instances(instance_ids)
                backend.reservations.pop(reservation["ReservationId"], None)
                if isinstance(e, EngineError | ShuttingDown):
                    raise EngineUnavailableError(str(e)) from e
                raise
        self._after_launch(context, reservation, records, profile)
        self._events.changed(context.account_id, context.region, instance_ids)
        return reservation

    @handler("StopInstances", expand=False)
    def stop_instances(
        self, context: RequestContext, request: StopInstancesRequest
    ) -> StopInstancesResult:
        ids = request["InstanceIds"]
        if refused := self._moto_refuses(context, request):
            return refused
        outcome = self._instances.stop(context.account_id, context.region, ids)
        return self._moto_follows(context, "StopInstances", request, outcome)

    @handler("StartInstances", expand=False)
    def start_instances(
        self, context: RequestContext, request: StartInstancesRequest
    ) -> StartInstancesResult:
        ids = request["InstanceIds"]
        if refused := self._moto_refuses(context, request):
            return refused
        outcome = self._instances.start(context.account_id, context.region, ids)
        if outcome.done:
            self._follow_addresses(context, outcome.done)
            self._events.changed(context.account_id, context.region, outcome.done, restarted=True)
        return self._moto_follows(context, "StartInstances", request, outcome)

    def _captured_into_moto(self, context: RequestContext) -> None:
        """The account's AMIs made by CreateImage are in moto as their records say, whatever
        replaced moto's backend since (ec2/images.py)."""
        if self._show_captured is not None:
            self._show_captured(context.account_id, context.region)

    def _moto_refuses(self, context: RequestContext, request):
        """Moto's answer to a dry run, or its error for a request naming an instance it does not
        know (moto checks every id before it changes anything), else None: then the containers
        go first, and moto follows for those whose container did what was asked."""
        instance_ids = request.get("InstanceIds") or []
        backend = ec2_backends[context.account_id][context.region]
        known = {i.id for r in backend.all_reservations() for i in r.instances}
        if request.get("DryRun") or not instance_ids or any(i not in known for i in instance_ids):
            return call_moto(context)
        return None

    @staticmethod
    def _moto_follows(context: RequestContext, operation: str, request, outcome: Outcome):
        """Moto changes the state of the instances done (only those); when any container did
        not do what was asked, the caller gets 503 naming what happened to each instance (the
        SDKs retry it, and a retry finishes the rest)."""
        result = None
        if outcome.done:
            only_done = cast(ServiceRequest, {**request, "InstanceIds": outcome.done})
            result = call_moto_with_request(context, only_done)
        if outcome.failed:
            raise EngineUnavailableError(_what_happened(operation, outcome))
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
        ids = request["InstanceIds"]
        if refused := self._moto_refuses(context, request):
            return refused
        backend = ec2_backends[context.account_id][context.region]
        protected = [
            i for i in backend.get_multi_instances_by_id(ids) if i.disable_api_termination is True
        ]
        if protected:  # AWS terminates none of them then
            first = cast(ServiceRequest, {"InstanceIds": [protected[0].id]})
            return call_moto_with_request(context, first)
        outcome = self._instances.terminate(context.account_id, context.region, ids)
        self._profiles.forget_profiles(context, outcome.done)
        if self._after_terminate is not None:  # images of deregistered AMIs they held can go
            self._after_terminate()
        return self._moto_follows(context, "TerminateInstances", request, outcome)

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
                association = self._profiles.associate_profile(context, instance_id, profile)
                described["IamInstanceProfile"] = {
                    "Arn": association.profile_arn,
                    "Id": association.profile_id,
                }

    def _follow_addresses(self, context: RequestContext, instance_ids: list[str]) -> None:
        """A started container may have a new address: records and DescribeInstances follow."""
        addresses = {}
        for instance_id in instance_ids:
            record = models.get(context.account_id, context.region, instance_id)
            if record is None:
                continue
            try:
                address = self._engine.describe(record.container_id).ip_address
            except EngineError as e:
                LOG.warning("address of %s not read: %s", instance_id, e)
                continue
            models.change(
                context.account_id,
                context.region,
                instance_id,
                functools.partial(replace, ip_address=address),
            )
            addresses[instance_id] = address
        show_container_addresses(context.account_id, context.region, addresses)
        if self._metadata is not None:
            self._metadata.refresh()


def show_container_addresses(account_id: str, region: str, addresses: dict[str, str]) -> None:
    """Sets each instance's primary private address in moto to its container's: DescribeInstances'
    PrivateIpAddress is the address the instance's container really has (moto would invent one in
    the subnet); its PrivateDnsName follows."""
    backend = ec2_backends[account_id][region]
    for instance_id, address in addresses.items():
        if not address:
            continue
        try:
            nic = backend.get_instance(instance_id).nics[0]
        except Exception:
            continue
        nic.private_ip_address = address
        nic.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": address}]


def _reserialized(request: RunInstancesRequest) -> ServiceRequest:
    """A copy of the request for `call_moto_with_request`, which serializes it as botocore does:
    botocore base64-encodes RunInstances' UserData then (in the dictionary it is given), so the
    decoded bytes go in and moto stores the caller's base64 as it came. User data that is not
    base64 is refused as moto refuses it."""
    user_data = request.get("UserData")
    if user_data is None:
        return cast(ServiceRequest, dict(request))
    try:
        raw = base64.b64decode(user_data, validate=True)
    except (binascii.Error, ValueError) as e:
        raise InvalidUserDataMalformed() from e
    return cast(ServiceRequest, {**request, "UserData": raw})


def _what_happened(operation: str, outcome: Outcome) -> str:
    failed = "; ".join(f"{i}: {e}" for i, e in outcome.failed.items())
    done = ", ".join(outcome.done) or "none"
    return f"{operation} done for {done}; not for {failed}"
