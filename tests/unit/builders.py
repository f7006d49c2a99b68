"""Stored values with sensible defaults, for tests that need one and change a field or two."""

import time
from dataclasses import replace

from localstack.aws.api import RequestContext
from localstack.aws.forwarder import create_aws_request_context

from localstack_ssm_docker.ssm.models import Command

CID = "c" * 36


def command(**changes) -> Command:
    base = Command(
        command_id=CID,
        document_name="AWS-RunShellScript",
        document_version="",
        comment="",
        parameters={"commands": ["echo hi"]},
        instance_ids=[],
        targets=[],
        requested_at=time.time(),
        timeout_seconds=3600,
        execution_timeout=3600,
        max_concurrency="50",
        max_errors="0",
        plugin_names=("aws:runShellScript",),
    )
    return replace(base, **changes)


def ec2_context(action: str, account_id: str, region: str, **parameters) -> RequestContext:
    """A request context for an EC2 operation with these parameters, as LocalStack makes one."""
    context = create_aws_request_context("ec2", action, parameters=parameters, region=region)
    context.account_id = account_id
    return context
