from localstack.aws.api.ssm import CommandInvocationStatus as S

from localstack_ssm_docker.ssm.associations.models import AssociationExecution
from localstack_ssm_docker.ssm.associations.status import (
    execution_status,
    overview,
    target_results,
)
from localstack_ssm_docker.ssm.models import Invocation, Result

EXECUTION = AssociationExecution("a-1", 1, "e-1", 0.0, "c-1", ("i-1", "i-2"))


def invocations(*statuses: S) -> dict[str, Invocation]:
    return {
        f"i-{n}": Invocation("c-1", f"i-{n}", 0.0, Result(status, status))
        for n, status in enumerate(statuses, start=1)
    }


def test_an_execution_is_in_progress_until_every_target_ends():
    results = target_results(EXECUTION, invocations(S.Success, S.InProgress))
    status = execution_status(results)
    assert (status.status, status.resource_count_by_status) == (
        "InProgress",
        "{InProgress=1, Success=1}",
    )


def test_an_execution_fails_when_one_target_fails():
    status = execution_status(target_results(EXECUTION, invocations(S.Success, S.TimedOut)))
    assert (status.status, status.counts) == ("Failed", {"Success": 1, "TimedOut": 1})


def test_an_execution_succeeds_when_all_do():
    status = execution_status(target_results(EXECUTION, invocations(S.Success, S.Success)))
    assert status.status == "Success"


def test_the_overview_counts_each_instance_latest_result():
    results = {
        r.instance_id: r for r in target_results(EXECUTION, invocations(S.Success, S.Pending))
    }
    view = overview(results)
    assert (view.status, view.detailed_status, view.counts) == (
        "Pending",
        "InProgress",
        {"Success": 1, "Pending": 1},
    )
    failed = {r.instance_id: r for r in target_results(EXECUTION, invocations(S.Failed, S.Success))}
    assert overview(failed).status == "Failed"
    ok = {r.instance_id: r for r in target_results(EXECUTION, invocations(S.Success, S.Success))}
    assert overview(ok).status == "Success"
