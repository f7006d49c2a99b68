"""Rate control's counting: concurrency, MaxErrors (numbers and percentages), stop."""

from localstack_ssm_docker.ssm.automation.rate_control import RateControl, child_sets


def test_at_most_max_concurrency_start_and_each_end_frees_a_place():
    rate = RateControl.of(child_sets("P", ["a", "b", "c"], ()), "2", "")
    assert [rate.next_child(), rate.next_child(), rate.next_child()] == [
        ("a", {"P": ["a"]}),
        ("b", {"P": ["b"]}),
        None,
    ]
    rate.ended("Success")
    assert rate.next_child() == ("c", {"P": ["c"]})
    rate.ended("Success")
    rate.ended("Success")
    assert rate.done and rate.outcome() == ("Success", "")


def test_past_max_errors_no_more_start_and_the_parent_fails():
    rate = RateControl.of(child_sets("P", [f"t{i}" for i in range(10)], ()), "1", "10%")
    for _ in range(2):
        assert rate.next_child() is not None
        rate.ended("Failed")
    assert rate.next_child() is None and rate.done
    assert rate.outcome() == ("Failed", "2 child executions failed (MaxErrors 10%).")


def test_a_stop_starts_no_more_and_ends_cancelled_once_none_runs():
    rate = RateControl.of(child_sets("", [], ({"A": ["1"]}, {"A": ["2"]})), "1", "0")
    assert rate.next_child() == ('{"A": ["1"]}', {"A": ["1"]})
    rate.stop()
    assert not rate.done
    rate.ended("Cancelled")
    assert rate.done and rate.outcome() == ("Cancelled", "")
