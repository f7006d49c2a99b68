"""Associations whose document is a runbook, over a fake clock and a fake Automation (our own
`Automations` interface): each run is one automation execution started with the association's
settings, on creation, on its schedule and on StartAssociationsOnce, never per instance; the
execution's status is the automation execution's."""

from collections.abc import Mapping
from typing import Any

import pytest

from localstack_ssm_docker.persistence import StateDirectory
from localstack_ssm_docker.ssm.associations.automation import start_request
from localstack_ssm_docker.ssm.associations.models import association_stores
from localstack_ssm_docker.ssm.associations.queries import association_view, execution_view
from localstack_ssm_docker.ssm.associations.runner import AssociationRunner
from localstack_ssm_docker.ssm.associations.service import AssociationService
from localstack_ssm_docker.ssm.automation.records import Execution, Status, automation_stores
from tests.unit.ssm.associations.fake_clock import FakeClock
from tests.unit.ssm.associations.test_service import (
    ACCOUNT,
    DAY,
    HOUR,
    REGION,
    START,
    Fleet,
    Recorder,
    load,
    managed,
)

RUNBOOK = "Restart-Fleet"


class FakeAutomations:
    """Starts 'executions' by recording them in the automation store, Pending."""

    def __init__(self) -> None:
        self.started: list[tuple[Mapping[str, Any], str]] = []

    def is_runbook(self, account_id: str, region: str, name: str, version: str | None) -> bool:
        return name == RUNBOOK

    def check(self, account_id: str, region: str, settings: Mapping[str, Any]) -> None:
        return None

    def start(
        self, account_id: str, region: str, settings: Mapping[str, Any], association_id: str
    ) -> str:
        execution_id = f"auto-{len(self.started)}"
        self.started.append((settings, association_id))
        automation_stores[account_id][region].executions[execution_id] = Execution(
            execution_id, RUNBOOK, "1", {}, "Auto", "role", START, association_id=association_id
        )
        return execution_id


@pytest.fixture(autouse=True)
def clean_stores():
    association_stores.reset()
    automation_stores.reset()
    yield
    association_stores.reset()
    automation_stores.reset()


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def automations():
    return FakeAutomations()


@pytest.fixture
def executor():
    return Recorder()


@pytest.fixture
def service(clock, automations, executor):
    fleet = Fleet()
    fleet.instances = [managed("i-web1", {"Role": "web"})]
    runner = AssociationRunner(
        fleet, executor, clock, load, lambda a, r: lambda name: None, automations
    )
    return AssociationService(runner, clock)


def runbook_settings(**extra: Any) -> dict[str, Any]:
    return {
        "Name": RUNBOOK,
        "Parameters": {"Message": ["hi"]},
        "AutomationTargetParameterName": "InstanceId",
        "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
        "MaxConcurrency": "2",
        "MaxErrors": "1",
        **extra,
    }


def test_creation_starts_one_automation_execution_with_the_settings(service, automations, executor):
    record = service.create(ACCOUNT, REGION, runbook_settings())
    assert [a for _, a in automations.started] == [record.association_id]
    assert executor.requests == []  # no Run Command of its own
    (execution,) = service.executions(ACCOUNT, REGION, record.association_id)
    assert execution.automation_execution_id == "auto-0"
    assert execution.instance_ids == ()


def test_a_run_asks_automation_for_rate_control_over_the_targets():
    assert start_request(runbook_settings(DocumentVersion="$DEFAULT")) == {
        "DocumentName": RUNBOOK,
        "Parameters": {"Message": ["hi"]},
        "TargetParameterName": "InstanceId",
        "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
        "MaxConcurrency": "2",
        "MaxErrors": "1",
    }


def test_a_rate_schedule_starts_an_execution_per_run(service, automations, clock):
    record = service.create(ACCOUNT, REGION, runbook_settings(ScheduleExpression="rate(1 hour)"))
    clock.advance(DAY)
    assert len(automations.started) == 1 + 24
    assert len(service.executions(ACCOUNT, REGION, record.association_id)) == 25


def test_apply_only_at_cron_interval_waits_for_the_cron(service, automations, clock):
    service.create(
        ACCOUNT,
        REGION,
        runbook_settings(ScheduleExpression="cron(0 12 ? * * *)", ApplyOnlyAtCronInterval=True),
    )
    assert automations.started == []
    clock.advance(12 * HOUR)
    assert len(automations.started) == 1


def test_start_once_starts_another_execution(service, automations):
    record = service.create(ACCOUNT, REGION, runbook_settings())
    service.start_once(ACCOUNT, REGION, record)
    assert len(automations.started) == 2


def test_an_instance_that_comes_to_match_starts_no_execution(service, automations, clock):
    service.create(ACCOUNT, REGION, runbook_settings())
    service.instances_changed(ACCOUNT, REGION, ["i-web2"], restarted=False)
    service.instances_changed(ACCOUNT, REGION, ["i-web1"], restarted=True)
    clock.advance(0)
    assert len(automations.started) == 1


@pytest.mark.parametrize(
    ("automation_status", "shown"),
    [
        (Status.Pending, "InProgress"),
        (Status.InProgress, "InProgress"),
        (Status.Waiting, "InProgress"),
        (Status.Success, "Success"),
        (Status.Failed, "Failed"),
        (Status.TimedOut, "Failed"),
        (Status.Cancelled, "Failed"),
    ],
)
def test_the_execution_status_is_the_automation_executions(service, automation_status, shown):
    record = service.create(ACCOUNT, REGION, runbook_settings())
    (execution,) = service.executions(ACCOUNT, REGION, record.association_id)
    executions = automation_stores[ACCOUNT][REGION].executions
    executions["auto-0"] = executions["auto-0"].but(status=automation_status)
    view = execution_view(ACCOUNT, REGION, execution)
    assert view.status.status == shown
    (target,) = view.results
    assert (target.instance_id, target.resource_type) == ("auto-0", "AutomationExecution")
    assert target.detailed_status == str(automation_status)
    association = association_view(ACCOUNT, REGION, record)
    assert association.latest_by_instance == {}  # no instance's status
    assert association.overview.counts == {target.status: 1}


def test_the_overview_follows_the_latest_run(service):
    record = service.create(ACCOUNT, REGION, runbook_settings())
    service.start_once(ACCOUNT, REGION, record)
    executions = automation_stores[ACCOUNT][REGION].executions
    executions["auto-0"] = executions["auto-0"].but(status=Status.Failed)
    executions["auto-1"] = executions["auto-1"].but(status=Status.Success)
    assert association_view(ACCOUNT, REGION, record).overview.status == "Success"


def test_restart_keeps_the_runs_and_starts_a_missed_scheduled_run_once(
    service, automations, executor, tmp_path
):
    state = StateDirectory(tmp_path)
    record = service.create(ACCOUNT, REGION, runbook_settings(ScheduleExpression="rate(1 hour)"))
    service.save(state)
    service.shutdown()
    association_stores.reset()

    later = FakeClock(START + 5 * HOUR)
    runner = AssociationRunner(
        Fleet(), executor, later, load, lambda a, r: lambda name: None, automations
    )
    restored = AssociationService(runner, later)
    restored.restore(state)
    (kept,) = restored.executions(ACCOUNT, REGION, record.association_id)
    assert kept.automation_execution_id == "auto-0"
    later.advance(0)
    assert len(automations.started) == 2  # once, not four times
