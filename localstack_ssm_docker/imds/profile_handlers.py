"""EC2's instance-profile operations for Docker-backed instances: RunInstances' IamInstanceProfile
and the four association operations, against this LocalStack's IAM (moto's associations can only
name moto's IAM profiles, which LocalStack's IAM does not use). A change of association makes
the metadata service forget the instance's cached credentials."""

from collections.abc import Mapping
from typing import Protocol

from localstack.aws.api import CommonServiceException, RequestContext, handler
from localstack.aws.api.ec2 import (
    AssociateIamInstanceProfileRequest,
    AssociateIamInstanceProfileResult,
    DescribeIamInstanceProfileAssociationsRequest,
    DescribeIamInstanceProfileAssociationsResult,
    DisassociateIamInstanceProfileRequest,
    DisassociateIamInstanceProfileResult,
    ReplaceIamInstanceProfileAssociationRequest,
    ReplaceIamInstanceProfileAssociationResult,
)
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.ec2.exceptions import InvalidParameterValue
from localstack_ssm_docker.imds import localstack_iam, profile_associations
from localstack_ssm_docker.imds.profile_associations import ProfileAssociation


class IncorrectState(CommonServiceException):
    def __init__(self, message: str):
        super().__init__("IncorrectState", message)


class InvalidAssociationIdNotFound(CommonServiceException):
    def __init__(self, association_id: str):
        super().__init__(
            "InvalidAssociationID.NotFound",
            f"An invalid association-id of '{association_id}' was given",
        )


class InvalidInstanceIdNotFound(CommonServiceException):
    def __init__(self, instance_id: str):
        super().__init__(
            "InvalidInstanceID.NotFound", f"The instance ID '{instance_id}' does not exist"
        )


def resolve_profile(context: RequestContext, specification: Mapping | None) -> dict | None:
    """The instance profile a request names (by Arn or Name), or EC2's InvalidParameterValue."""
    if not specification:
        return None
    name, arn = specification.get("Name"), specification.get("Arn")
    if not name and not arn:
        return None
    profile = localstack_iam.find_profile(context.account_id, context.region, name, arn)
    if profile is None:
        if arn:
            raise InvalidParameterValue(
                f"Value ({arn}) for parameter iamInstanceProfile.arn is invalid. "
                "Invalid IAM Instance Profile ARN"
            )
        raise InvalidParameterValue(
            f"Value ({name}) for parameter iamInstanceProfile.name is invalid. "
            "Invalid IAM Instance Profile name"
        )
    return profile


def show_in_moto(context: RequestContext, instance_id: str, association: ProfileAssociation | None):
    """DescribeInstances' IamInstanceProfile follows the association."""
    try:
        instance = ec2_backends[context.account_id][context.region].get_instance(instance_id)
    except Exception:
        return
    instance.iam_instance_profile = (
        {"Arn": association.profile_arn, "Id": association.profile_id} if association else None
    )


class CredentialCache(Protocol):
    """The instances' role credentials as the metadata service caches them."""

    def forget(self, instance_id: str) -> None:
        """The instance's next credentials request reads its association anew."""
        ...


class InstanceProfileHandlers:
    """The association operations; `credentials` (None without a metadata service) forgets what
    an instance's change of association makes stale."""

    def __init__(self, credentials: CredentialCache | None):
        self._credentials = credentials

    def _forget_credentials(self, instance_id: str) -> None:
        if self._credentials is not None:
            self._credentials.forget(instance_id)

    def associate_profile(self, context: RequestContext, instance_id: str, profile: dict):
        """Associates the profile with the instance at its launch."""
        association = ProfileAssociation.new(instance_id, profile)
        profile_associations.put(context.account_id, context.region, association)
        self._associated(context, association)
        return association

    def _associated(self, context: RequestContext, association: ProfileAssociation) -> None:
        show_in_moto(context, association.instance_id, association)
        self._forget_credentials(association.instance_id)

    def forget_profiles(self, context: RequestContext, instance_ids: list[str]) -> None:
        """Terminated instances lose their associations."""
        profile_associations.remove_for(context.account_id, context.region, instance_ids)
        for instance_id in instance_ids:
            self._forget_credentials(instance_id)

    @handler("AssociateIamInstanceProfile", expand=False)
    def associate_iam_instance_profile(
        self, context: RequestContext, request: AssociateIamInstanceProfileRequest
    ) -> AssociateIamInstanceProfileResult:
        instance_id = request["InstanceId"]
        try:
            ec2_backends[context.account_id][context.region].get_instance(instance_id)
        except Exception as e:
            raise InvalidInstanceIdNotFound(instance_id) from e
        profile = resolve_profile(context, dict(request.get("IamInstanceProfile") or {}))
        if profile is None:
            raise InvalidParameterValue("The parameter 'IamInstanceProfile' is required.")
        association = ProfileAssociation.new(instance_id, profile)
        if not profile_associations.add(context.account_id, context.region, association):
            raise IncorrectState(f"There is an existing association for instance {instance_id}")
        self._associated(context, association)
        return AssociateIamInstanceProfileResult(
            IamInstanceProfileAssociation=association.shape("associating")
        )

    @handler("DescribeIamInstanceProfileAssociations", expand=False)
    def describe_iam_instance_profile_associations(
        self, context: RequestContext, request: DescribeIamInstanceProfileAssociationsRequest
    ) -> DescribeIamInstanceProfileAssociationsResult:
        max_results = request.get("MaxResults")
        if max_results is not None and not 5 <= max_results <= 1000:
            raise InvalidParameterValue(
                f"Value ( {max_results} ) for parameter maxResults is invalid. "
                "Expecting a value between 5 and 1000."
            )
        found = sorted(
            profile_associations.every(context.account_id, context.region),
            key=lambda a: a.association_id,
        )
        wanted = request.get("AssociationIds")
        if wanted:
            missing = set(wanted) - {a.association_id for a in found}
            if missing:
                raise InvalidAssociationIdNotFound(sorted(missing)[0])
            found = [a for a in found if a.association_id in wanted]
        for item in request.get("Filters") or []:
            values = item.get("Values") or []
            if item.get("Name") == "instance-id":
                found = [a for a in found if a.instance_id in values]
            elif item.get("Name") == "state":
                found = [a for a in found if "associated" in values]
        start = (
            int(request.get("NextToken") or 0)
            if str(request.get("NextToken") or "0").isdigit()
            else 0
        )
        size = request.get("MaxResults") or 1000
        page = found[start : start + size]
        result = DescribeIamInstanceProfileAssociationsResult(
            IamInstanceProfileAssociations=[a.shape() for a in page]
        )
        if start + size < len(found):
            result["NextToken"] = str(start + size)
        return result

    def _association(self, context: RequestContext, association_id: str) -> ProfileAssociation:
        association = profile_associations.by_id(context.account_id, context.region, association_id)
        if association is None:
            raise InvalidAssociationIdNotFound(association_id)
        return association

    @handler("DisassociateIamInstanceProfile", expand=False)
    def disassociate_iam_instance_profile(
        self, context: RequestContext, request: DisassociateIamInstanceProfileRequest
    ) -> DisassociateIamInstanceProfileResult:
        association = profile_associations.remove(
            context.account_id, context.region, request["AssociationId"]
        )
        if association is None:
            raise InvalidAssociationIdNotFound(request["AssociationId"])
        show_in_moto(context, association.instance_id, None)
        self._forget_credentials(association.instance_id)
        return DisassociateIamInstanceProfileResult(
            IamInstanceProfileAssociation=association.shape("disassociating")
        )

    @handler("ReplaceIamInstanceProfileAssociation", expand=False)
    def replace_iam_instance_profile_association(
        self, context: RequestContext, request: ReplaceIamInstanceProfileAssociationRequest
    ) -> ReplaceIamInstanceProfileAssociationResult:
        current = self._association(context, request["AssociationId"])
        profile = resolve_profile(context, dict(request.get("IamInstanceProfile") or {}))
        if profile is None:
            raise InvalidParameterValue("The parameter 'IamInstanceProfile' is required.")
        association = ProfileAssociation.new(current.instance_id, profile)
        # still the association named: one disassociated or replaced meanwhile is not revived
        if not profile_associations.replace(
            context.account_id, context.region, current.association_id, association
        ):
            raise InvalidAssociationIdNotFound(current.association_id)
        self._associated(context, association)
        return ReplaceIamInstanceProfileAssociationResult(
            IamInstanceProfileAssociation=association.shape("associating")
        )
