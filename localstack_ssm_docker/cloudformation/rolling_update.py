"""An AWS::AutoScaling::AutoScalingGroup's UpdatePolicy AutoScalingRollingUpdate as an instance
refresh: an update that changes the group's launch template replaces its members in batches
(StartInstanceRefresh with the new template as the DesiredConfiguration) instead of leaving them
on the old one. MinInstancesInService and MaxBatchSize become the MinHealthyPercentage that keeps
both (at least MinInstancesInService, at most MaxBatchSize out of service at once), PauseTime
the InstanceWarmup. The policy is read from the stack's deployed template (GetTemplate):
LocalStack's engine passes no resource's UpdatePolicy to its provider, and shows the template
being deployed only once the update is complete, so the policy that applies is the one the
stack already has."""

import math
import re
from typing import Any

from localstack.services.cloudformation.engine.template_preparer import parse_template

POLICY = "AutoScalingRollingUpdate"
_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")


def policy_of(template_body: str | dict[str, Any], logical_id: str) -> dict[str, Any] | None:
    """The resource's AutoScalingRollingUpdate policy in the template (JSON or YAML, or as
    botocore decodes a JSON one), if any."""
    template = template_body if isinstance(template_body, dict) else parse_template(template_body)
    resource = (template.get("Resources") or {}).get(logical_id) or {}
    policy = (resource.get("UpdatePolicy") or {}).get(POLICY)
    return policy if isinstance(policy, dict) else None


def seconds(duration: str) -> int:
    """An ISO 8601 duration as PauseTime gives it (PT5M30S) in seconds."""
    found = _DURATION.match(duration)
    if found is None:
        raise ValueError(f"PauseTime {duration} is not an ISO 8601 duration such as PT5M.")
    hours, minutes, secs = (int(part or 0) for part in found.groups())
    return 3600 * hours + 60 * minutes + secs


def refresh_request(
    policy: dict[str, Any], name: str, launch_template: dict[str, Any], desired: int
) -> dict[str, Any]:
    """StartInstanceRefresh's parameters for an update onto `launch_template` under the policy."""
    keep = int(policy.get("MinInstancesInService") or 0)
    batch = max(1, int(policy.get("MaxBatchSize") or 1))
    floor = max(keep, desired - batch)
    min_healthy = min(100, math.ceil(100 * floor / desired)) if desired else 0
    preferences: dict[str, Any] = {"MinHealthyPercentage": min_healthy}
    if policy.get("PauseTime"):
        preferences["InstanceWarmup"] = seconds(str(policy["PauseTime"]))
    template = {k: str(v) for k, v in launch_template.items() if v not in (None, "")}
    return {
        "AutoScalingGroupName": name,
        "DesiredConfiguration": {"LaunchTemplate": template},
        "Preferences": preferences,
    }
