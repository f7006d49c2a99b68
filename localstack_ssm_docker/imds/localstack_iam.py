"""This LocalStack's IAM and STS, as the metadata service needs them: instance profiles looked up
by name or ARN, and AssumeRole for the role in one (session named after the instance)."""

import datetime

from botocore.exceptions import ClientError

from localstack_ssm_docker.imds.facts import RoleCredentials

ASSUME_ROLE_SECONDS = 6 * 3600
"""Instance-profile credentials last six hours on EC2."""


def _clients(account_id: str, region: str):
    from localstack.aws.connect import connect_to

    return connect_to(aws_access_key_id=account_id, region_name=region)


def find_profile(account_id: str, region: str, name: str | None, arn: str | None) -> dict | None:
    """The instance profile (GetInstanceProfile's shape) with that name or ARN, or None."""
    lookup_name = name or (arn or "").rsplit("/", 1)[-1]
    if not lookup_name:
        return None
    try:
        profile = _clients(account_id, region).iam.get_instance_profile(
            InstanceProfileName=lookup_name
        )["InstanceProfile"]
    except ClientError:
        return None
    if arn and profile.get("Arn") != arn:
        return None
    return dict(profile)


def assume_role(account_id: str, region: str, role_arn: str, session: str) -> RoleCredentials:
    """Temporary credentials of the role, issued by this LocalStack's STS."""
    issued = _clients(account_id, region).sts.assume_role(
        RoleArn=role_arn, RoleSessionName=session, DurationSeconds=ASSUME_ROLE_SECONDS
    )["Credentials"]
    return RoleCredentials(
        access_key_id=issued["AccessKeyId"],
        secret_access_key=issued["SecretAccessKey"],
        token=issued["SessionToken"],
        expiration=_iso(issued["Expiration"]),
        last_updated=_iso(datetime.datetime.now(datetime.UTC)),
    )


def _iso(moment: datetime.datetime | str) -> str:
    if isinstance(moment, str):
        return moment
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
