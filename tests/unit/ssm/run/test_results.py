"""The invocation's result from its steps' results."""

from localstack.aws.api.ssm import CommandInvocationStatus as Status

from localstack_ssm_docker.ssm.models import PluginResult, Result
from localstack_ssm_docker.ssm.run.results import combine


def step(name: str, status: Status, details: str = "", code: int = 0, **fields) -> PluginResult:
    return PluginResult(name, Result(status, details or status, code, **fields))


def test_one_step_is_the_invocation_but_for_its_times():
    only = step("a", Status.Failed, code=2, started_at=5.0, ended_at=6.0, stdout="o", stderr="e")
    combined = combine((only,), started_at=4.0)
    assert combined == Result(Status.Failed, Status.Failed, 2, 4.0, None, "o", "e")


def test_several_steps_take_the_worst_status_the_last_code_and_all_output():
    steps = (
        step("a", Status.Success, started_at=1.0, stdout="one"),
        step("b", Status.Failed, code=3, started_at=2.0, stdout="two", stderr="bad"),
        step("c", Status.Cancelled, "Skipped", code=-1),
    )
    combined = combine(steps, started_at=1.0)
    assert (combined.status, combined.status_details) == (Status.Failed, Status.Failed)
    assert (combined.response_code, combined.stdout, combined.stderr) == (3, "one\ntwo", "bad")


def test_skipped_steps_do_not_make_the_invocation_cancelled():
    steps = (step("a", Status.Success, started_at=1.0), step("b", Status.Cancelled, "Skipped"))
    assert combine(steps, started_at=1.0).status == Status.Success


def test_no_step_that_ran_leaves_no_response_code():
    steps = (step("a", Status.Cancelled, code=-1), step("b", Status.Cancelled, "Skipped"))
    combined = combine(steps, started_at=None)
    assert (combined.status, combined.response_code) == (Status.Cancelled, -1)
