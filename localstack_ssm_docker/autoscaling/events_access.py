"""This LocalStack's EventBridge, as Auto Scaling uses it: a lifecycle action's event goes to the
account's default event bus through PutEvents on LocalStack's gateway, so rules and their
targets (a Lambda, an SQS queue, SSM Run Command) receive it as they would from AWS."""

from typing import Any

from botocore.config import Config

from localstack_ssm_docker.autoscaling.lifecycle_hooks import SOURCE, LifecycleEvent

_CALLS = Config(retries={"total_max_attempts": 1}, read_timeout=30, connect_timeout=10)


def _events(account_id: str, region: str) -> Any:
    from localstack.aws.connect import connect_to

    return connect_to(aws_access_key_id=account_id, region_name=region, config=_CALLS).events


class LocalStackEvents:
    """The reconciler's `LifecycleEvents`."""

    def send(self, account_id: str, region: str, event: LifecycleEvent) -> None:
        answer = _events(account_id, region).put_events(
            Entries=[
                {
                    "Source": SOURCE,
                    "DetailType": event.detail_type,
                    "Detail": event.detail,
                    "Resources": list(event.resources),
                }
            ]
        )
        if answer.get("FailedEntryCount"):
            entry = answer["Entries"][0]
            raise RuntimeError(f"{entry.get('ErrorCode')}: {entry.get('ErrorMessage')}")
