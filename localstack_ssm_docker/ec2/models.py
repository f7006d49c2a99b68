"""Docker-backed instances, per account and region, in a LocalStack store."""

from dataclasses import dataclass, field

from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute

RUNNING = "running"
STOPPED = "stopped"


@dataclass
class InstanceRecord:
    """An EC2 instance and the container behind it."""

    instance_id: str
    ami_id: str
    image: str
    container_id: str
    ip_address: str
    computer_name: str
    launched_at: float
    state: str = RUNNING
    rebooting: bool = False
    os_release: dict[str, str] = field(default_factory=dict)


class InstanceStore(BaseStore):
    """The Docker-backed instances of one account and region, by instance id."""

    # LocalAttribute is an untyped descriptor that yields the annotated value per store
    instances: dict[str, InstanceRecord] = LocalAttribute(default=dict)  # type: ignore[assignment]


instance_stores: AccountRegionBundle[InstanceStore] = AccountRegionBundle("ec2", InstanceStore)
