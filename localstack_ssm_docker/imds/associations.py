"""Instance-profile associations, per account and region (LocalStack's IAM is not moto's, so moto's
own associations cannot name its profiles: we keep them here, in AWS's shape)."""

import datetime
import uuid
from dataclasses import dataclass

from localstack.aws.api.ec2 import (
    IamInstanceProfile,
    IamInstanceProfileAssociation,
    IamInstanceProfileAssociationState,
)
from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute

ASSOCIATED = "associated"


@dataclass
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


class MetadataStore(BaseStore):
    """Associations of one account and region, by instance id."""

    associations: dict[str, ProfileAssociation] = LocalAttribute(default=dict)  # type: ignore[assignment]


metadata_stores: AccountRegionBundle[MetadataStore] = AccountRegionBundle("ec2", MetadataStore)
