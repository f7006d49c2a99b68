"""CreateImage and DeregisterImage for Docker-backed instances: the instance's container is
committed as the AMI's Docker image (``localstack-ec2/<name>:<ami-id>``, labelled with its
account and region), so RunInstances boots it like any other AMI.

The rules kept here: the capture runs in the background and the AMI is `pending` until it ends; it
becomes `available` only once its Docker image exists, else `failed` with a StateReason (a failed
commit leaves no image). CreateImage replies when the capture has ended or after `reply_within`
seconds, whichever comes first: a commit takes a fraction of a second here, so a client's first
DescribeImages (AWS's waiter, Packer's) finds the AMI available instead of waiting out its 15 s
poll interval, and a slow capture still gets its reply in bounded time. Without NoReboot a
running instance is stopped for the capture and started again, as AWS reboots it; with NoReboot
its processes are only paused for the copy. A deregistered AMI's Docker image goes at once, or,
while a container still uses it, after the instance that holds it is terminated (`sweep`).
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Protocol

from moto.ec2.utils import random_ami_id, utc_date_and_time

from localstack_ssm_docker.ec2 import image_catalogue, models
from localstack_ssm_docker.ec2.image_records import (
    AVAILABLE,
    ImageRecord,
    ImageRegistry,
    RegistryState,
    is_valid_name,
    repository_name,
)
from localstack_ssm_docker.ec2.models import RUNNING, InstanceRecord
from localstack_ssm_docker.engine.errors import EngineError
from localstack_ssm_docker.engine.interface import ImageEngine
from localstack_ssm_docker.engine.values import IMAGE_OWNER_LABEL
from localstack_ssm_docker.persistence import StateDirectory

LOG = logging.getLogger(__name__)

STATE_NAME = "ec2-images"
CAPTURE_FAILED = "Server.InternalError"
INTERRUPTED = (CAPTURE_FAILED, "LocalStack stopped before the capture ended")
_CAPTURE_WORKERS = 4
REPLY_WITHIN_SECONDS = 3.0


class Submit(Protocol):
    def __call__(self, fn: Callable[..., Any], /, *args: Any) -> Any: ...


class InvalidName(ValueError):
    """The AMI name breaks AWS's rule (image_records.is_valid_name)."""


class ImageService:
    """Captures instances as AMIs, keeps their records (and, with persistence, saves them), and
    removes their Docker images when they are deregistered."""

    def __init__(
        self,
        engine: ImageEngine,
        registry: ImageRegistry | None = None,
        state: StateDirectory | None = None,
        submit: Submit | None = None,
        clock: Callable[[], str] = utc_date_and_time,
        reply_within: float = REPLY_WITHIN_SECONDS,
    ):
        self._engine = engine
        self._reply_within = reply_within
        self._ended: dict[str, threading.Event] = {}
        self._ended_lock = threading.Lock()
        self._registry = registry or ImageRegistry()
        self._state = state
        self._pool = None
        if submit is None:
            self._pool = ThreadPoolExecutor(_CAPTURE_WORKERS, thread_name_prefix="ec2-image")
            submit = self._pool.submit
        self._submit = submit
        self._clock = clock

    def create(
        self,
        account_id: str,
        region: str,
        instance: InstanceRecord,
        name: str,
        description: str = "",
        no_reboot: bool = False,
        tags: dict[str, str] | None = None,
        snapshot_tags: dict[str, str] | None = None,
        architecture: str = "x86_64",
        root_device_name: str = "/dev/sda1",
    ) -> ImageRecord:
        """A pending AMI of the instance, whose capture has begun. InvalidName for a name AWS
        refuses, image_records.NameTaken for one another AMI of the account and region holds."""
        if not is_valid_name(name):
            raise InvalidName(name)
        ami_id = random_ami_id()
        record = ImageRecord(
            ami_id=ami_id,
            account_id=account_id,
            region=region,
            name=name,
            description=description,
            instance_id=instance.instance_id,
            reference=f"localstack-ec2/{repository_name(name)}:{ami_id}",
            created=self._clock(),
            architecture=architecture,
            root_device_name=root_device_name,
            tags=tuple((tags or {}).items()),
            snapshot_tags=tuple((snapshot_tags or {}).items()),
        )
        self._registry.claim(record)
        image_catalogue.show(record)
        reboot = instance.state == RUNNING and not no_reboot
        with self._ended_lock:
            self._ended[ami_id] = threading.Event()
        self._submit(self._capture, record, instance.container_id, reboot)
        return record

    def wait_for_capture(self, ami_id: str) -> bool:
        """Waits up to `reply_within` seconds for the capture of `ami_id` to end; whether it did
        (an AMI whose capture is not known here counts as ended)."""
        with self._ended_lock:
            ended = self._ended.get(ami_id)
        return ended is None or ended.wait(self._reply_within)

    def _capture(self, record: ImageRecord, container_id: str, reboot: bool) -> None:
        try:
            self._commit(record, container_id, reboot)
        finally:
            with self._ended_lock:
                ended = self._ended.pop(record.ami_id, None)
            if ended is not None:
                ended.set()

    def _commit(self, record: ImageRecord, container_id: str, reboot: bool) -> None:
        labels = {IMAGE_OWNER_LABEL: f"{record.account_id}:{record.region}"}
        try:
            if reboot:
                self._set_rebooting(record, True)
                self._engine.stop(container_id)
            try:
                image_id = self._engine.commit_image(
                    container_id, record.reference, labels, pause=not reboot
                )
            finally:
                if reboot:
                    self._start_again(record, container_id)
        except Exception as e:  # whatever went wrong, the AMI must not stay pending
            LOG.warning("capture of %s as %s failed: %s", record.instance_id, record.ami_id, e)
            failed = self._registry.finish(record.ami_id, reason=(CAPTURE_FAILED, str(e)))
            if failed is not None:
                image_catalogue.show(failed)
            return
        done = self._registry.finish(record.ami_id, image_id=image_id)
        if done is None:  # deregistered while it was captured
            self._remove(record.reference, image_id)
            return
        image_catalogue.show(done)

    def _start_again(self, record: ImageRecord, container_id: str) -> None:
        try:
            self._engine.start(container_id)
        except EngineError as e:
            LOG.warning("%s not started again after its capture: %s", record.instance_id, e)
        finally:
            self._set_rebooting(record, False)

    @staticmethod
    def _set_rebooting(record: ImageRecord, rebooting: bool) -> None:
        models.change(
            record.account_id,
            record.region,
            record.instance_id,
            lambda r: replace(r, rebooting=rebooting),
        )

    def deregister(self, account_id: str, region: str, ami_id: str) -> ImageRecord | None:
        """Forgets the account's AMI and removes its Docker image (later, while a container
        uses it); its record, or None when it is not one CreateImage made in that account and
        region (moto answers for those)."""
        record = self._registry.release(account_id, region, ami_id)
        if record is not None and record.state == AVAILABLE:
            self._remove(record.reference, record.image_id)
        return record

    def _remove(self, reference: str, image_id: str) -> None:
        try:
            gone = self._engine.remove_image(reference, image_id)
        except EngineError as e:
            LOG.warning("image %s not removed yet: %s", reference, e)
            gone = False
        if gone:
            self._registry.removed(image_id)
        else:
            self._registry.defer_removal(reference, image_id)

    def describe(self, account_id: str, region: str, ami_id: str, description: str) -> None:
        """ModifyImageAttribute's description of an AMI made here (moto keeps none): the record
        carries it, so DescribeImages shows it and a restart keeps it."""
        record = self._registry.describe(account_id, region, ami_id, description)
        if record is not None:
            image_catalogue.show(record)

    def show(self, account_id: str, region: str) -> None:
        """Puts the account's AMIs back into moto where moto lacks them (or has only the plain
        tagged-image entry that ec2/amis.py makes): moto's backend may be made anew after the
        records were restored."""
        for record in self._registry.of(account_id, region):
            if not image_catalogue.is_shown(record):
                image_catalogue.show(record)

    def sweep(self) -> None:
        """Removes the Docker images of deregistered AMIs that no container holds any more."""
        for reference, image_id in self._registry.deferred():
            self._remove(reference, image_id)

    def recover(self) -> None:
        """Before serving: with persistence, the AMIs of the last run come back (one whose
        capture was under way is failed), and images owed a removal are tried again."""
        saved = self._state.load(STATE_NAME) if self._state else None
        if isinstance(saved, RegistryState):
            for record in self._registry.restore(saved, INTERRUPTED):
                image_catalogue.show(record)
            LOG.info("restored %d images", len(saved.records))
        self.sweep()

    def shutdown(self) -> None:
        """After the instances are shut down: captures under way end, and with persistence the
        records are saved."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._state is not None:
            self._state.save(STATE_NAME, self._registry.state())
