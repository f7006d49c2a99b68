"""Instance containers: launched, stopped, started, rebooted and terminated with their instances."""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Protocol

from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2 import models
from localstack_ssm_docker.ec2.instance_types import InstanceSizing
from localstack_ssm_docker.ec2.launch_gate import LaunchGate, ShuttingDown
from localstack_ssm_docker.ec2.models import RUNNING, STOPPED, InstanceRecord
from localstack_ssm_docker.ec2.user_data import shell_scripts
from localstack_ssm_docker.engine.errors import EngineError, NetworkGone
from localstack_ssm_docker.engine.interface import (
    ContainerEngine,
)
from localstack_ssm_docker.engine.values import (
    CONTAINER_NAME_PREFIX,
    AmiImage,
    ContainerFacts,
    ContainerOptions,
    ContainerResources,
    ContainerSpec,
)
from localstack_ssm_docker.persistence import StateDirectory

LOG = logging.getLogger(__name__)

LABEL_INSTANCE_ID = "localstack-ssm-docker.instance-id"
LABEL_ACCOUNT_ID = "localstack-ssm-docker.account-id"
LABEL_REGION = "localstack-ssm-docker.region"
_LAUNCH_PARALLELISM = 20
CLOUD_INIT_LOG = "/var/log/cloud-init-output.log"
STATE_NAME = "ec2-instances"
_LAUNCH_WAIT_SECONDS = 3.0
"""How long shutdown waits for launches in flight: with the parallel removal after it, well
inside Docker's 10 s stop timeout (a launch still going after that removes its own containers)."""

__all__ = ["InstanceManager", "Outcome", "ShuttingDown"]


class LaunchExtras(Protocol):
    """Networks and environment a new instance container gets in a region; `restore` makes the
    shared networks again first, at once (one of them was found gone)."""

    def __call__(
        self, region: str, restore: bool = False
    ) -> tuple[tuple[str, ...], dict[str, str]]: ...


@dataclass(frozen=True)
class Outcome:
    """What a stop, start or terminate did: `done` the instances it applies to (their containers
    did what was asked, or they have none of ours), `failed` those whose container did not, with
    the engine's error; their records stay as they were."""

    done: list[str] = field(default_factory=list)
    failed: dict[str, EngineError] = field(default_factory=dict)


class InstanceManager:
    """Keeps one container per Docker-backed instance and the instance records in step with it.

    A record changes only once its container did what was asked, and only through
    :mod:`.models` (under the store's lock, an immutable record swapped whole)."""

    def __init__(
        self,
        engine: ContainerEngine,
        remove_containers_on_shutdown: bool = True,
        options: ContainerOptions | None = None,
        boot_with_image_entrypoint: bool = False,
        state: StateDirectory | None = None,
        launch_extras: LaunchExtras | None = None,
        launch_wait: float = _LAUNCH_WAIT_SECONDS,
        sizing: InstanceSizing | None = None,
        resolver: Callable[[], str | None] | None = None,
    ):
        self._engine = engine
        self._resolver = resolver
        self._sizing = sizing
        self._launch_wait = launch_wait
        self._launch_extras = launch_extras
        self._remove_on_shutdown = remove_containers_on_shutdown
        self._options = options or ContainerOptions()
        self._boot_with_image = boot_with_image_entrypoint
        self._state = state
        self._reboots = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ec2-reboot")
        self._gate = LaunchGate()

    def launch(
        self,
        account_id: str,
        region: str,
        instance_ids: list[str],
        ami: AmiImage,
        user_data: str | None = None,
        public_key: str | None = None,
        instance_type: str | None = None,
    ) -> list[InstanceRecord]:
        """Starts a container for each instance, in parallel; all of them or, on failure, none.
        Each container has the resources of the instance type (unless sizing is off). Shell
        scripts in the user data start in the background once a container runs (after the
        image's boot hook, see ContainerSpec.boot_hook); `public_key` is the key pair's.
        ShuttingDown once LocalStack stops (containers made meanwhile are removed again)."""
        with self._gate.launching():
            # once per launch: the shared route is checked once, whatever the count
            extras = self._launch_extras(region) if self._launch_extras else ((), {})
            resources = self._resources(instance_type)
            resolver = self._resolver() if self._resolver else None
            specs = [
                self._spec(
                    account_id, region, iid, ami, *extras, resources=resources, resolver=resolver
                )
                for iid in instance_ids
            ]
            scripts = shell_scripts(user_data)
            workers = min(_LAUNCH_PARALLELISM, len(specs) or 1)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = [pool.submit(self._boot, spec, scripts, region) for spec in specs]
            failures = [e for f in futures if (e := f.exception()) is not None]
            made = [f.result().container_id for f in futures if f.exception() is None]
            if failures or self._gate.closed:
                self._remove_quietly(made)
                if failures:
                    raise failures[0]
                raise ShuttingDown("LocalStack is shutting down")
            records = [
                InstanceRecord(
                    instance_id=instance_id,
                    ami_id=ami.ami_id,
                    image=ami.tag,
                    container_id=facts.container_id,
                    ip_address=facts.ip_address,
                    computer_name=facts.hostname,
                    launched_at=time.time(),
                    os_release=facts.os_release,
                    public_key=public_key,
                )
                for instance_id, facts in zip(
                    instance_ids, (f.result() for f in futures), strict=True
                )
            ]
            models.put(account_id, region, records)
            return records

    def _resources(self, instance_type: str | None) -> ContainerResources | None:
        """The container resources of the type; None with sizing off."""
        if self._sizing is None or instance_type is None:
            return None
        return self._sizing.resources(instance_type)

    def resize(self, account_id: str, region: str, instance_id: str, instance_type: str) -> None:
        """Gives the (stopped) instance's container the resources of its new type, which it has
        from its next start; its files stay. Nothing with sizing off."""
        record = models.get(account_id, region, instance_id)
        resources = self._resources(instance_type)
        if record is not None and resources is not None:
            self._engine.update_resources(record.container_id, resources)

    def _remove_quietly(self, container_ids: list[str]) -> None:
        """Removes each container; one that cannot be removed is logged (an orphan that the
        next start of any LocalStack on the engine removes), the others still go."""
        for container_id in container_ids:
            try:
                self._engine.remove(container_id)
            except EngineError as e:
                LOG.warning("container %s not removed: %s", container_id[:12], e)

    def _boot(self, spec: ContainerSpec, scripts: list[str], region: str) -> ContainerFacts:
        try:
            facts = self._engine.launch(spec)
        except NetworkGone as e:
            if self._launch_extras is None:
                raise
            # another LocalStack on the engine removed the shared network after we checked it
            LOG.info(
                "%s: %s; the network is made again and the launch tried once more", spec.name, e
            )
            networks, _ = self._launch_extras(region, restore=True)
            facts = self._engine.launch(replace(spec, networks=networks))
        if scripts:
            try:
                self._engine.run_detached(facts.container_id, scripts, CLOUD_INIT_LOG)
            except EngineError as e:
                LOG.warning("user data of %s did not start: %s", spec.name, e)
        return facts

    def _spec(
        self,
        account_id: str,
        region: str,
        instance_id: str,
        ami: AmiImage,
        networks: tuple[str, ...],
        environment: dict[str, str],
        resources: ContainerResources | None = None,
        resolver: str | None = None,
    ) -> ContainerSpec:
        options = self._options
        if environment:  # the user's own -e flags win over ours
            options = replace(options, environment={**environment, **options.environment})
        return ContainerSpec(
            name=f"{CONTAINER_NAME_PREFIX}{instance_id}",
            image=ami.tag,
            hostname=f"{instance_id}.{region}.compute.internal",
            labels={
                LABEL_INSTANCE_ID: instance_id,
                LABEL_ACCOUNT_ID: account_id,
                LABEL_REGION: region,
            },
            boots_itself=ami.boots_itself or self._boot_with_image,
            boot_hook=ami.boot_hook,
            options=options,
            networks=networks,
            resources=resources,
            resolver=resolver,
        )

    def stop(self, account_id: str, region: str, instance_ids: list[str]) -> Outcome:
        """Stops the containers of running instances; their filesystems stay."""
        return self._transition(
            account_id, region, instance_ids, RUNNING, STOPPED, self._engine.stop
        )

    def start(self, account_id: str, region: str, instance_ids: list[str]) -> Outcome:
        """Starts the containers of stopped instances again."""
        return self._transition(
            account_id, region, instance_ids, STOPPED, RUNNING, self._engine.start
        )

    def reboot(self, account_id: str, region: str, instance_ids: list[str]) -> None:
        """Restarts the containers of running instances in the background, as RebootInstances
        returns at once; the instances are not Online until they are up again."""

        def begin(record: InstanceRecord) -> InstanceRecord | None:
            if record.state != RUNNING or record.rebooting:
                return None
            return replace(record, rebooting=True)

        for instance_id in instance_ids:
            record = models.change(account_id, region, instance_id, begin)
            if record is not None:
                self._reboots.submit(self._restart, account_id, region, record)

    def _restart(self, account_id: str, region: str, record: InstanceRecord) -> None:
        try:
            self._engine.restart(record.container_id)
        except EngineError as e:
            LOG.warning("reboot of %s: %s", record.instance_id, e)
        finally:
            models.change(
                account_id, region, record.instance_id, lambda r: replace(r, rebooting=False)
            )

    def terminate(self, account_id: str, region: str, instance_ids: list[str]) -> Outcome:
        """Removes the containers (in parallel, as `docker rm` of many does) and forgets those
        instances; every instance asked for is tried, and one whose container stays keeps its
        record."""
        records = {i: models.get(account_id, region, i) for i in instance_ids}
        removing = [r for r in records.values() if r is not None]
        errors: dict[str, EngineError | None] = {}
        if removing:
            workers = min(_LAUNCH_PARALLELISM, len(removing))
            with ThreadPoolExecutor(max_workers=workers) as pool:
                removals = {
                    r.instance_id: pool.submit(self._engine.remove, r.container_id)
                    for r in removing
                }
            for instance_id, removal in removals.items():
                error = removal.exception()
                if error is not None and not isinstance(error, EngineError):
                    raise error
                errors[instance_id] = error
        outcome = Outcome()
        for instance_id in instance_ids:
            error = errors.get(instance_id)
            if error is not None:
                outcome.failed[instance_id] = error
                continue
            if records[instance_id] is not None:
                models.remove(account_id, region, instance_id)
            outcome.done.append(instance_id)
        return outcome

    def _transition(
        self,
        account_id: str,
        region: str,
        instance_ids: list[str],
        from_state: str,
        to_state: str,
        action: Callable[[str], None],
    ) -> Outcome:
        outcome = Outcome()
        for instance_id in instance_ids:
            record = models.get(account_id, region, instance_id)
            if record is not None and record.state == from_state:
                try:
                    action(record.container_id)
                except EngineError as e:
                    outcome.failed[instance_id] = e
                    continue
                models.change(account_id, region, instance_id, lambda r: replace(r, state=to_state))
            outcome.done.append(instance_id)
        return outcome

    def recover(self) -> None:
        """Before serving (once per process: ec2/lifecycle.py calls it): with persistence,
        brings back the instances of the last run (moto's EC2 state and ours) and finds their
        containers again; without it, removes containers a previous run of this LocalStack left
        behind. Either way, removes the orphans of other LocalStacks whose process is gone."""
        try:
            snapshot = self._state.load(STATE_NAME) if self._state else None
            keep = self._restore(snapshot) if snapshot else frozenset()
            if self._state is not None or self._remove_on_shutdown:
                removed = self._engine.remove_containers(keep)
                if removed:
                    LOG.info("removed %d containers left by an earlier run", removed)
        except EngineError as e:
            LOG.warning("instance containers not recovered: %s", e)
        try:
            orphans = self._engine.remove_orphans()
            if orphans:
                LOG.info("removed %d containers of LocalStacks that are gone", orphans)
        except EngineError as e:
            LOG.warning("orphan containers not removed: %s", e)

    def _restore(self, snapshot: dict) -> frozenset[str]:
        """Puts the snapshot's instances back; their containers, running again, are kept."""
        states = self._engine.container_states()
        keep = set()
        for (account_id, region), (moto_backend, records) in snapshot.items():
            ec2_backends[account_id][region] = moto_backend
            models.put(account_id, region, [replace(r, rebooting=False) for r in records.values()])
            for record in records.values():
                state = states.get(record.container_id)
                if state is None:
                    continue
                keep.add(record.container_id)
                if record.state == RUNNING and state != "running":
                    self._recover_container(record.container_id, state)
        LOG.info("restored %d instances", sum(len(r) for _, r in snapshot.values()))
        return frozenset(keep)

    def _recover_container(self, container_id: str, state: str) -> None:
        try:
            if state == "paused":
                self._engine.unpause(container_id)
            else:
                self._engine.start(container_id)
        except EngineError as e:
            LOG.warning("container %s not started again: %s", container_id[:12], e)

    def shutdown(self) -> None:
        """After every service has stopped (once per process: ec2/lifecycle.py calls it): no
        launch starts any more, and those in flight get a bounded wait; then, with persistence,
        saves the instances and keeps their containers; otherwise removes them (in parallel),
        unless configured to keep them."""
        if not self._gate.close(self._launch_wait):
            LOG.warning("launches still under way at shutdown remove their own containers")
        self._reboots.shutdown(wait=True, cancel_futures=True)
        if self._state is not None:
            self._state.save(STATE_NAME, _snapshot())
            return
        if not self._remove_on_shutdown:
            return
        try:
            removed = self._engine.remove_containers()
            LOG.info("removed %d instance containers", removed)
        except EngineError as e:
            LOG.warning("could not remove instance containers: %s", e)


def _snapshot() -> dict:
    """moto's EC2 state and our records, for every account and region with instances."""
    return {
        (account_id, region): (ec2_backends[account_id][region], records)
        for (account_id, region), records in models.snapshot().items()
    }
