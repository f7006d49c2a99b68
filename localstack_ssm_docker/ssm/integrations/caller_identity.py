"""The caller's identity as this LocalStack's STS reports it (a session's Owner)."""

from localstack.aws.api import RequestContext
from localstack.aws.connect import connect_to


def caller_arn(context: RequestContext) -> str:
    """The ARN of the caller (the session's Owner), as STS reports it for the caller's key."""
    root = f"arn:aws:iam::{context.account_id}:root"
    access_key = _access_key(context)
    if not access_key:
        return root
    try:
        sts = connect_to(aws_access_key_id=access_key, region_name=context.region).sts
        return sts.get_caller_identity()["Arn"]
    except Exception:
        return root


def _access_key(context: RequestContext) -> str:
    authorization = context.request.headers.get("Authorization", "")
    _, _, rest = authorization.partition("Credential=")
    return rest.split("/", 1)[0] if rest else ""
