"""Instance-profile associations, per account and region (LocalStack's IAM is not moto's, so moto's
own associations cannot name its profiles: we keep them here, in AWS's shape).

The rule this module keeps: an association is immutable, and every read of more than one and
every change (the check it depends on included: "none yet", "still this one") happens here under
the one lock of the store, so two requests at once never both pass a check only one may pass.
"""

import datetime
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from localstack.aws.api.ec2 import (
    IamInstanceProfile,
    IamInstanceProfileAssociation,
    IamInstanceProfileAssociationState,
)
from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute

ASSOCIATED = "associated"


@dataclass(frozen=True)
class ProfileAssociation:
    """An instance profile associated with an instance."""

    association_id: str
    instance_id: str
    profile_arn: str
    profile_id: str
    role_arn: str | None
    role_name: str | None
    timestamp: datetime.datetime

    @classmethod
    def new(cls, instance_id: str, profile: dict) -> "ProfileAssociation":
        """An association of `profile` (GetInstanceProfile's shape) with the instance."""
        roles = profile.get("Roles") or []
        return cls(
            association_id=f"iip-assoc-{uuid.uuid4().hex[:17]}",
            instance_id=instance_id,
            profile_arn=profile["Arn"],
            profile_id=profile.get("InstanceProfileId", ""),
            role_arn=roles[0]["Arn"] if roles else None,
            role_name=roles[0]["RoleName"] if roles else None,
            timestamp=datetime.datetime.now(datetime.UTC),
        )

    def shape(self, state: str = ASSOCIATED) -> IamInstanceProfileAssociation:
        """As IamInstanceProfileAssociation in EC2's API."""
        return IamInstanceProfileAssociation(
            AssociationId=self.association_id,
            InstanceId=self.instance_id,
            IamInstanceProfile=IamInstanceProfile(Arn=self.profile_arn, Id=self.profile_id),
            State=IamInstanceProfileAssociationState(state),
            Timestamp=self.timestamp,
        )


class ProfileAssociationStore(BaseStore):
    """Instance-profile associations of one account and region, by instance id."""

    associations: dict[str, ProfileAssociation] = LocalAttribute(default=dict)  # type: ignore[assignment]


profile_association_stores: AccountRegionBundle[ProfileAssociationStore] = AccountRegionBundle(
    "ec2", ProfileAssociationStore
)

_lock = threading.Lock()


def get(account_id: str, region: str, instance_id: str) -> ProfileAssociation | None:
    """The instance's association, if any."""
    with _lock:
        return profile_association_stores[account_id][region].associations.get(instance_id)


def every(account_id: str, region: str) -> list[ProfileAssociation]:
    """The associations of an account and region."""
    with _lock:
        return list(profile_association_stores[account_id][region].associations.values())


def by_id(account_id: str, region: str, association_id: str) -> ProfileAssociation | None:
    with _lock:
        return _by_id(account_id, region, association_id)


def _by_id(account_id: str, region: str, association_id: str) -> ProfileAssociation | None:
    for association in profile_association_stores[account_id][region].associations.values():
        if association.association_id == association_id:
            return association
    return None


def put(account_id: str, region: str, association: ProfileAssociation) -> None:
    """Sets the instance's association, whatever it had (RunInstances)."""
    with _lock:
        profile_association_stores[account_id][region].associations[association.instance_id] = (
            association
        )


def add(account_id: str, region: str, association: ProfileAssociation) -> bool:
    """Sets the association only when its instance has none; False when it had one."""
    with _lock:
        associations = profile_association_stores[account_id][region].associations
        if association.instance_id in associations:
            return False
        associations[association.instance_id] = association
        return True


def replace(account_id: str, region: str, association_id: str, new: ProfileAssociation) -> bool:
    """Swaps the association `association_id` for `new` (same instance); False when it is no
    longer there."""
    with _lock:
        current = _by_id(account_id, region, association_id)
        if current is None or current.instance_id != new.instance_id:
            return False
        profile_association_stores[account_id][region].associations[new.instance_id] = new
        return True


def remove(account_id: str, region: str, association_id: str) -> ProfileAssociation | None:
    """Removes the association `association_id`; it, or None when it was not there."""
    with _lock:
        current = _by_id(account_id, region, association_id)
        if current is not None:
            del profile_association_stores[account_id][region].associations[current.instance_id]
        return current


def remove_for(account_id: str, region: str, instance_ids: Iterable[str]) -> None:
    """The instances (terminated) lose their associations."""
    with _lock:
        associations = profile_association_stores[account_id][region].associations
        for instance_id in instance_ids:
            associations.pop(instance_id, None)


def snapshot() -> dict[tuple[str, str], dict[str, ProfileAssociation]]:
    """Every account's and region's associations (immutable: the copy stays as it is)."""
    with _lock:
        return {
            (account_id, region): dict(store.associations)
            for account_id, regions in list(profile_association_stores.items())
            for region, store in list(regions.items())
            if store.associations
        }


def restore(saved: dict[tuple[str, str], dict[str, ProfileAssociation]]) -> None:
    """Puts saved associations back (a restart with persistence)."""
    with _lock:
        for (account_id, region), associations in saved.items():
            profile_association_stores[account_id][region].associations.update(associations)
