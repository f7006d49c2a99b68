"""The managed instances SSM sees: running Docker-backed instances, their ping status and tags."""

from dataclasses import dataclass

from localstack.aws.api.ssm import InvalidInstanceId
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.models import RUNNING, InstanceRecord, instance_stores
from localstack_ssm_docker.engine import ContainerEngine, EngineError

ONLINE = "Online"
CONNECTION_LOST = "ConnectionLost"


@dataclass(frozen=True)
class ManagedInstance:
    """An instance as SSM reports it."""

    record: InstanceRecord
    ping_status: str
    tags: dict[str, str]


class InstanceDirectory:
    """Looks up managed instances of an account and region."""

    def __init__(self, engine: ContainerEngine):
        self._engine = engine

    def managed_instances(self, account_id: str, region: str) -> list[ManagedInstance]:
        """Running instances (stopped and terminated ones are not managed), in launch order."""
        records = [
            r for r in instance_stores[account_id][region].instances.values() if r.state == RUNNING
        ]
        if not records:
            return []
        states = self._container_states()
        tags = _tags(account_id, region, [r.instance_id for r in records])
        return [
            ManagedInstance(
                record=r,
                ping_status=(
                    ONLINE
                    if states.get(r.container_id) == "running" and not r.rebooting
                    else CONNECTION_LOST
                ),
                tags=tags.get(r.instance_id, {}),
            )
            for r in records
        ]

    def require_online(
        self, account_id: str, region: str, instance_ids: list[str]
    ) -> dict[str, InstanceRecord]:
        """The records of these instances; InvalidInstanceId unless every one is Online."""
        online = {
            m.record.instance_id: m.record
            for m in self.managed_instances(account_id, region)
            if m.ping_status == ONLINE
        }
        missing = [iid for iid in instance_ids if iid not in online]
        if missing:
            raise InvalidInstanceId(
                f"Instances [[{', '.join(missing)}]] not in a valid state for account {account_id}"
            )
        return {iid: online[iid] for iid in instance_ids}

    def _container_states(self) -> dict[str, str]:
        try:
            return self._engine.container_states()
        except EngineError:
            return {}


def _tags(account_id: str, region: str, instance_ids: list[str]) -> dict[str, dict[str, str]]:
    """The EC2 tags of these instances, as moto keeps them."""
    found: dict[str, dict[str, str]] = {}
    backend = ec2_backends[account_id][region]
    for tag in backend.describe_tags(filters={"resource-id": instance_ids}):
        found.setdefault(tag["resource_id"], {})[tag["key"]] = tag["value"]
    return found
