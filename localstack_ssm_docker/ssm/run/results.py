"""An invocation's own result from its steps' results, as GetCommandInvocation without a plugin
name and ListCommandInvocations show it.

Kept apart from running the steps because it is a pure rule: one step's result is the
invocation's; with several, the worst counted status wins and the output is all of theirs.
"""

from dataclasses import replace

from localstack.aws.api.ssm import CommandInvocationStatus as Status

from localstack_ssm_docker.ssm.models import PluginResult, Result
from localstack_ssm_docker.ssm.run import output
from localstack_ssm_docker.ssm.run.status import SKIPPED

_WORST_FIRST = (Status.Cancelled, Status.TimedOut, Status.Failed)


def combine(plugins: tuple[PluginResult, ...], started_at: float | None) -> Result:
    """The invocation's result (without its end time, which the executor stamps) from its
    steps'; `started_at` is when the invocation started."""
    results = [p.result for p in plugins]
    if len(results) == 1:
        return replace(results[0], started_at=started_at, ended_at=None)
    ran = [r for r in results if r.started_at is not None]
    counted = [r for r in results if r.status_details != SKIPPED]
    worst = next((r for status in _WORST_FIRST for r in counted if r.status == status), None)
    return Result(
        status=worst.status if worst else Status.Success,
        status_details=worst.status_details if worst else Status.Success,
        response_code=ran[-1].response_code if ran else -1,
        started_at=started_at,
        stdout=output.cut("\n".join(r.stdout for r in ran if r.stdout), output.STDOUT_LIMIT),
        stderr=output.cut("\n".join(r.stderr for r in ran if r.stderr), output.STDERR_LIMIT),
    )
