import pytest
from localstack.aws.api.ssm import CommandInvocationStatus

from localstack_ssm_docker.ssm.models import Invocation, Result
from localstack_ssm_docker.ssm.run.status import (
    max_concurrency_for,
    max_errors_for,
    outcome_of_exit_code,
    summarize,
)


def inv(status: str, details: str | None = None) -> Invocation:
    result = Result(CommandInvocationStatus(status), details or status)
    return Invocation("c" * 36, "i-12345678", 0.0, result=result)


def test_exit_code_zero_is_success_without_note():
    outcome = outcome_of_exit_code(0)
    assert (outcome.status, outcome.status_details, outcome.stderr_note) == (
        "Success",
        "Success",
        "",
    )


def test_non_zero_exit_code_fails_with_agent_note():
    outcome = outcome_of_exit_code(3)
    assert (outcome.status, outcome.status_details) == ("Failed", "Failed")
    assert outcome.stderr_note == "failed to run commands: exit status 3"


def test_summary_pending_until_something_starts():
    summary = summarize([inv("Pending"), inv("Pending")], 0)
    assert (summary.status, summary.target_count, summary.completed_count) == ("Pending", 2, 0)


def test_summary_in_progress_while_any_runs():
    summary = summarize([inv("Success"), inv("InProgress")], 0)
    assert (summary.status, summary.status_details, summary.completed_count) == (
        "InProgress",
        "InProgress",
        1,
    )


def test_summary_success_when_all_succeed():
    summary = summarize([inv("Success"), inv("Success")], 0)
    assert (summary.status, summary.status_details, summary.error_count) == (
        "Success",
        "Success",
        0,
    )


def test_summary_failed_with_any_error_when_max_errors_is_zero():
    summary = summarize([inv("Success"), inv("Failed")], 0)
    assert (summary.status, summary.status_details, summary.error_count) == ("Failed", "Failed", 1)


def test_summary_incomplete_when_errors_stay_under_max_errors():
    summary = summarize([inv("Success"), inv("Failed"), inv("Success")], 2)
    assert (summary.status_details, summary.error_count, summary.completed_count) == (
        "Incomplete",
        1,
        3,
    )


def test_summary_counts_delivery_timeouts_apart_from_errors():
    summary = summarize([inv("TimedOut", "DeliveryTimedOut"), inv("Success")], 1)
    assert (summary.delivery_timed_out_count, summary.error_count) == (1, 0)
    assert summary.status_details == "Incomplete"


@pytest.mark.parametrize(
    ("value", "total", "expected"),
    [("0", 10, 0), ("3", 10, 3), ("10%", 10, 1), ("50%", 5, 2), ("100%", 7, 7), ("10%", 5, 0)],
)
def test_max_errors_numbers_and_percentages_round_down(value, total, expected):
    assert max_errors_for(value, total) == expected


@pytest.mark.parametrize(
    ("value", "total", "expected"),
    [("1", 10, 1), ("50", 3, 50), ("10%", 10, 1), ("50%", 5, 3), ("1%", 3, 1)],
)
def test_max_concurrency_numbers_and_percentages_round_up(value, total, expected):
    assert max_concurrency_for(value, total) == expected


def test_exit_137_is_a_timeout_or_a_cancel():
    assert outcome_of_exit_code(137).status_details == "ExecutionTimedOut"
    assert outcome_of_exit_code(137).status == "TimedOut"
    cancelled = outcome_of_exit_code(137, cancel_requested=True)
    assert (cancelled.status, cancelled.status_details, cancelled.stderr_note) == (
        "Cancelled",
        "Cancelled",
        "",
    )


def test_exit_168_forces_success_with_a_note_and_169_fails():
    forced = outcome_of_exit_code(168)
    assert (forced.status, forced.stderr_note) == ("Success", "")
    assert "168" in forced.stdout_note
    assert outcome_of_exit_code(169).status == "Failed"


def test_summary_cancelling_while_any_invocation_is():
    summary = summarize([inv("Cancelling"), inv("InProgress")], 0)
    assert (summary.status, summary.status_details) == ("Cancelling", "Cancelling")


def test_summary_cancelled_once_cancels_are_done():
    summary = summarize([inv("Success"), inv("Cancelled")], 0)
    assert (summary.status, summary.status_details, summary.error_count) == (
        "Cancelled",
        "Cancelled",
        0,
    )


def test_summary_with_no_instances_in_tag():
    summary = summarize([], 0)
    assert (summary.status, summary.status_details, summary.target_count) == (
        "Success",
        "NoInstancesInTag",
        0,
    )


def test_undeliverable_and_terminated_do_not_count_as_errors():
    summary = summarize([inv("Failed", "Undeliverable"), inv("Cancelled", "Terminated")], 0)
    assert summary.error_count == 0
    assert summarize([inv("TimedOut", "ExecutionTimedOut")], 5).error_count == 1


def test_summary_timed_out_when_every_error_is_a_timeout():
    timed_out = inv("TimedOut", "ExecutionTimedOut")
    summary = summarize([timed_out, inv("Success")], 0)
    assert (summary.status, summary.status_details) == ("TimedOut", "ExecutionTimedOut")
    mixed = summarize([timed_out, inv("Failed")], 0)
    assert (mixed.status, mixed.status_details) == ("Failed", "Failed")
