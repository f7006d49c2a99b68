"""The managed instances SSM sees: running Docker-backed instances, their ping status and tags.

EC2's instances are read only through the injected ``Ec2Directory``; container states through
the engine.
"""

import threading
from dataclasses import dataclass

from localstack.aws.api.ssm import InvalidInstanceId, PingStatus

from localstack_ssm_docker.ec2.directory import RUNNING, Ec2Directory, InstanceRecord
from localstack_ssm_docker.engine.errors import (
    EngineError,
    EngineNotAnswering,
)
from localstack_ssm_docker.engine.interface import (
    ContainerEngine,
)
from localstack_ssm_docker.engine.values import (
    ForeignContainer,
)


@dataclass(frozen=True)
class ManagedInstance:
    """An instance as SSM reports it."""

    record: InstanceRecord
    ping_status: PingStatus
    tags: dict[str, str]


class InstanceDirectory:
    """Looks up managed instances of an account and region: ours, and with `adopt_foreign` (when
    another provider runs EC2) the containers of that provider's instances."""

    def __init__(self, engine: ContainerEngine, ec2: Ec2Directory, adopt_foreign: bool = False):
        self._engine = engine
        self._ec2 = ec2
        self._adopt_foreign = adopt_foreign
        self._foreign_facts: dict[str, InstanceRecord] = {}
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Before SSM serves: EC2's instances of an earlier run are back."""
        self._ec2.prepare()

    def computer_names(self, account_id: str, region: str) -> dict[str, str]:
        """The computer names of EC2's Docker-backed instances, in every state, by instance id."""
        return {r.instance_id: r.computer_name for r in self._ec2.instances(account_id, region)}

    def managed_instances(
        self, account_id: str, region: str, strict: bool = False
    ) -> list[ManagedInstance]:
        """Running instances (stopped and terminated ones are not managed), in launch order.
        With `strict`, an unavailable engine raises EngineNotAnswering instead of making every
        instance ConnectionLost."""
        pinged = self._pinged(account_id, region, strict)
        tags = self._ec2.tags(account_id, region, [r.instance_id for r, _ in pinged])
        return [ManagedInstance(r, ping, tags.get(r.instance_id, {})) for r, ping in pinged]

    def require_online(
        self, account_id: str, region: str, instance_ids: list[str]
    ) -> dict[str, InstanceRecord]:
        """The records of these instances; InvalidInstanceId unless every one is Online,
        EngineNotAnswering when the engine does not answer."""
        wanted = set(instance_ids)
        online = {
            r.instance_id: r
            for r, ping in self._pinged(account_id, region, strict=True, only=wanted)
            if ping == PingStatus.Online
        }
        missing = [iid for iid in instance_ids if iid not in online]
        if missing:
            raise InvalidInstanceId(
                f"Instances [[{', '.join(missing)}]] not in a valid state for account {account_id}"
            )
        return {iid: online[iid] for iid in instance_ids}

    def _pinged(
        self, account_id: str, region: str, strict: bool = False, only: set[str] | None = None
    ) -> list[tuple[InstanceRecord, PingStatus]]:
        """Running instances (with `only`, those of these ids) with their ping status: Online
        while the container runs. The engine is asked about their containers alone."""
        records = [
            r
            for r in self._ec2.instances(account_id, region)
            if r.state == RUNNING and (only is None or r.instance_id in only)
        ]
        containers = None if only is None else [r.container_id for r in records]
        states = self._container_states(strict, containers) if records or strict else {}
        if self._adopt_foreign:
            adopted, foreign_states = self._adopted(account_id, region)
            records += adopted
            states.update(foreign_states)
        return [
            (
                r,
                PingStatus.Online
                if states.get(r.container_id) == "running" and not r.rebooting
                else PingStatus.ConnectionLost,
            )
            for r in records
        ]

    def _adopted(self, account_id: str, region: str) -> tuple[list[InstanceRecord], dict[str, str]]:
        """Containers of another EC2 backend's instances that moto knows in this account and
        region as running, and their states."""
        try:
            foreign = self._engine.foreign_instances()
        except EngineError:
            return [], {}
        running = self._ec2.running_instance_ids(account_id, region)
        records = [
            record
            for container in foreign
            if container.instance_id in running
            and (record := self._foreign_record(container)) is not None
        ]
        return records, {c.container_id: c.state for c in foreign}

    def _foreign_record(self, container: ForeignContainer) -> InstanceRecord | None:
        """The record of an adopted container, its facts read once it runs."""
        with self._lock:
            known = self._foreign_facts.get(container.container_id)
        if known is not None or container.state != "running":
            return known
        try:
            facts = self._engine.describe(container.container_id)
        except EngineError:
            return None
        record = InstanceRecord(
            instance_id=container.instance_id,
            ami_id="",
            image="",
            container_id=container.container_id,
            ip_address=facts.ip_address,
            computer_name=facts.hostname,
            launched_at=container.created,
            os_release=facts.os_release,
        )
        with self._lock:
            self._foreign_facts[container.container_id] = record
        return record

    def _container_states(self, strict: bool, only: list[str] | None = None) -> dict[str, str]:
        try:
            if only is None:
                return self._engine.container_states()
            return self._engine.container_states_of(only)
        except EngineNotAnswering:
            if strict:
                raise
            return {}
        except EngineError:
            return {}
