"""Delivery: an invocation reaching its instance, Delayed while it cannot, its Parameter Store
references resolved at run time."""

import pytest

from localstack_ssm_docker.engine.errors import (
    ContainerGone,
    ContainerNotRunning,
    EngineError,
)
from tests.unit.fakes import FakeRunner, result
from tests.unit.ssm.run.harness import (
    SCOPE,
    start,
    wait_for,
)


def test_engine_errors_fail_the_invocation(executors, store):
    def respond(container, _j):
        raise ContainerGone("gone") if container == "container-0" else EngineError("broken")

    start(executors, FakeRunner(respond), store, count=2, max_errors="5")
    gone, broken = wait_for(store, "i-00000000"), wait_for(store, "i-00000001")
    assert (gone.result.status, gone.result.status_details, gone.result.response_code) == (
        "Failed",
        "Undeliverable",
        -1,
    )
    assert (broken.result.status, broken.result.status_details) == ("Failed", "Failed")
    assert "broken" in broken.result.stderr


def test_undeliverable_instance_times_out_delivery(executors, store):
    def respond(_c, _j):
        raise ContainerNotRunning("paused")

    start(executors, FakeRunner(respond), store, timeout_seconds=0.3)
    wait_for(store, until=lambda i: i.result.status == "Delayed")
    done = wait_for(store)
    assert (done.result.status, done.result.status_details, done.result.response_code) == (
        "TimedOut",
        "DeliveryTimedOut",
        -1,
    )


def lookup(found: dict[str, tuple[str, str]]):
    def answer(account, region, names):
        assert (account, region) == (SCOPE.account_id, SCOPE.region)
        return {n: found[n] for n in names if n in found}, [n for n in names if n not in found]

    return answer


def test_parameter_store_references_are_resolved_at_run_time(executors, store):
    runner = FakeRunner(lambda _c, _j: result(0))
    parameters = {"commands": ["echo {{ ssm:greeting }} {{ssm:/app/name:2}}"]}
    found = {"greeting": ("String", "hello"), "/app/name:2": ("String", "app")}
    start(executors, runner, store, lookup=lookup(found), parameters=parameters)
    assert wait_for(store).result.status == "Success"
    assert runner.jobs[0][1].script == "echo hello app\n"


@pytest.mark.parametrize(
    ("found", "message"),
    [
        ({}, "Input contains invalid parameters [greeting]"),
        (
            {"greeting": ("SecureString", "x")},
            "Parameters [greeting] of type SecureString are not supported",
        ),
    ],
)
def test_unresolvable_references_fail_the_invocation(executors, store, found, message):
    runner = FakeRunner(lambda _c, _j: result(0))
    parameters = {"commands": ["echo {{ssm:greeting}}"]}
    start(executors, runner, store, lookup=lookup(found), parameters=parameters)
    done = wait_for(store)
    assert (done.result.status, done.result.response_code, done.result.stderr) == (
        "Failed",
        1,
        message,
    )
    assert runner.jobs == []


def test_an_unexpected_error_fails_the_invocation_instead_of_leaving_it_running(executors, store):
    def broken_lookup(_account, _region, _names):
        raise RuntimeError("lookup exploded")

    parameters = {"commands": ["echo {{ssm:x}}"]}
    runner = FakeRunner(lambda _c, _j: result(0))
    start(executors, runner, store, lookup=broken_lookup, parameters=parameters)
    done = wait_for(store)
    assert (done.result.status, done.result.status_details) == ("Failed", "Failed")
    assert "lookup exploded" in done.result.stderr
