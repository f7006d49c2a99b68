"""The association service over a fake clock: runs at creation, on schedules through days of
fake time (one timer at a time), on update, on instances that come to match, and after a
restart (a missed run runs once)."""

from datetime import UTC, datetime

import pytest
from localstack.aws.api.ssm import InvalidDocument, PingStatus

from localstack_ssm_docker.ec2.models import InstanceRecord
from localstack_ssm_docker.persistence import StateDirectory
from localstack_ssm_docker.ssm.associations.models import association_stores
from localstack_ssm_docker.ssm.associations.queries import association_view
from localstack_ssm_docker.ssm.associations.runner import AssociationRunner
from localstack_ssm_docker.ssm.associations.service import AssociationService
from localstack_ssm_docker.ssm.documents.aws_owned import AWS_DOCUMENTS
from localstack_ssm_docker.ssm.documents.plan import Document
from localstack_ssm_docker.ssm.models import run_command_stores
from localstack_ssm_docker.ssm.run.request import CommandRequest
from localstack_ssm_docker.ssm.targeting.instances import ManagedInstance
from tests.unit.ssm.associations.fake_clock import FakeClock

ACCOUNT, REGION = "111111111111", "eu-west-1"
START = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
HOUR, DAY = 3600, 86400


def managed(instance_id: str, tags: dict[str, str], online: bool = True) -> ManagedInstance:
    record = InstanceRecord(instance_id, "ami-1", "img", f"c-{instance_id}", "10.0.0.1", "h", 0.0)
    ping = PingStatus.Online if online else PingStatus.ConnectionLost
    return ManagedInstance(record, ping, tags)


class Fleet:
    def __init__(self) -> None:
        self.instances: list[ManagedInstance] = []

    def managed_instances(self, account_id, region, strict=False):
        return list(self.instances)


class Recorder:
    def __init__(self) -> None:
        self.requests: list[CommandRequest] = []

    def submit(self, request: CommandRequest) -> None:
        self.requests.append(request)

    def targets(self, index: int = -1) -> list[str]:
        return [t.instance_id for t in self.requests[index].targets]


def load(account_id, region, name, version):
    if name not in AWS_DOCUMENTS:
        raise InvalidDocument(f"Document with name {name} does not exist.")
    return Document(name, "1", AWS_DOCUMENTS[name])


@pytest.fixture(autouse=True)
def clean_stores():
    association_stores.reset()
    run_command_stores.reset()
    yield
    association_stores.reset()
    run_command_stores.reset()


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def fleet():
    fleet = Fleet()
    fleet.instances = [
        managed("i-web1", {"Role": "web"}),
        managed("i-web2", {"Role": "web"}),
        managed("i-db", {"Role": "db"}),
        managed("i-down", {"Role": "web"}, online=False),
    ]
    return fleet


@pytest.fixture
def executor():
    return Recorder()


@pytest.fixture
def service(clock, fleet, executor):
    runner = AssociationRunner(fleet, executor, clock, load, lambda a, r: lambda name: None)
    return AssociationService(runner, clock)


def settings(**extra):
    return {
        "Name": "AWS-RunShellScript",
        "Parameters": {"commands": ["true"]},
        "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
        **extra,
    }


def test_creation_runs_on_the_online_targets_at_once(service, executor):
    record = service.create(ACCOUNT, REGION, settings(MaxConcurrency="1", MaxErrors="1"))
    assert executor.targets() == ["i-web1", "i-web2"]
    command = executor.requests[0].command
    assert (command.max_concurrency, command.max_errors) == ("1", "1")
    assert command.parameters == {"commands": ["true"]}
    executions = service.executions(ACCOUNT, REGION, record.association_id)
    assert [e.command_id for e in executions] == [command.command_id]
    assert record.applied == {"i-web1", "i-web2"}


def test_star_targets_every_online_instance(service, executor):
    service.create(ACCOUNT, REGION, settings(Targets=[{"Key": "InstanceIds", "Values": ["*"]}]))
    assert executor.targets() == ["i-web1", "i-web2", "i-db"]


def test_a_rate_schedule_runs_through_a_day_with_one_timer(service, executor, clock):
    service.create(ACCOUNT, REGION, settings(ScheduleExpression="rate(30 minutes)"))
    assert clock.pending == 1
    clock.advance(DAY)
    assert len(executor.requests) == 1 + 48
    assert clock.wakeups == 48  # one wakeup per run: nothing wakes in between
    assert clock.pending == 1
    times = [r.command.requested_at for r in executor.requests]
    assert times[1] - times[0] == 30 * 60


def test_a_cron_schedule_runs_at_its_times_for_a_week(service, executor, clock):
    service.create(ACCOUNT, REGION, settings(ScheduleExpression="cron(0 2 ? * * *)"))
    clock.advance(7 * DAY)
    runs = [r.command.requested_at for r in executor.requests[1:]]
    assert len(runs) == 7
    assert all(datetime.fromtimestamp(t, UTC).hour == 2 for t in runs)


def test_apply_only_at_cron_interval_waits_for_the_cron(service, executor, clock):
    service.create(
        ACCOUNT,
        REGION,
        settings(ScheduleExpression="cron(0 12 ? * * *)", ApplyOnlyAtCronInterval=True),
    )
    assert executor.requests == []
    clock.advance(12 * HOUR)
    assert len(executor.requests) == 1


def test_an_at_schedule_runs_once_at_its_time(service, executor, clock):
    service.create(ACCOUNT, REGION, settings(ScheduleExpression="at(2026-01-03T08:00:00)"))
    assert executor.requests == []
    clock.advance(10 * DAY)
    assert [r.command.requested_at for r in executor.requests] == [START + 2 * DAY + 8 * HOUR]
    assert clock.pending == 0


def test_update_runs_the_new_version_and_reanchors_the_schedule(service, executor, clock):
    record = service.create(ACCOUNT, REGION, settings(ScheduleExpression="rate(1 hour)"))
    clock.advance(20 * 60)
    service.update(
        ACCOUNT,
        REGION,
        record,
        settings(ScheduleExpression="rate(1 hour)", Parameters={"commands": ["v2"]}),
    )
    assert record.latest.version == 2
    assert executor.requests[-1].command.parameters == {"commands": ["v2"]}
    clock.advance(HOUR)
    assert executor.requests[-1].command.requested_at == START + 20 * 60 + HOUR
    assert service.executions(ACCOUNT, REGION, record.association_id)[-1].association_version == 2


def test_delete_stops_the_schedule(service, executor, clock):
    record = service.create(ACCOUNT, REGION, settings(ScheduleExpression="rate(1 hour)"))
    service.delete(ACCOUNT, REGION, record.association_id)
    clock.advance(DAY)
    assert len(executor.requests) == 1
    assert service.executions(ACCOUNT, REGION, record.association_id) == []


def test_an_instance_that_comes_to_match_gets_the_association(service, executor, clock, fleet):
    record = service.create(ACCOUNT, REGION, settings())
    fleet.instances.append(managed("i-new", {"Role": "web"}))
    service.instances_changed(ACCOUNT, REGION, ["i-new"], restarted=False)
    clock.advance(0)
    assert executor.targets() == ["i-new"]
    # tagging an instance it already ran on does not run it again ...
    service.instances_changed(ACCOUNT, REGION, ["i-web1", "i-db"], restarted=False)
    clock.advance(0)
    assert len(executor.requests) == 2
    # ... starting it again does
    service.instances_changed(ACCOUNT, REGION, ["i-web1"], restarted=True)
    clock.advance(0)
    assert executor.targets() == ["i-web1"]
    assert len(service.executions(ACCOUNT, REGION, record.association_id)) == 3


def test_no_matching_instance_records_no_execution(service, executor):
    record = service.create(
        ACCOUNT, REGION, settings(Targets=[{"Key": "tag:Role", "Values": ["x"]}])
    )
    assert executor.requests == []
    view = association_view(ACCOUNT, REGION, record)
    assert (view.overview.status, view.overview.detailed_status) == ("Pending", "Creating")


def test_restart_restores_associations_and_runs_a_missed_schedule_once(
    service, executor, clock, fleet, tmp_path
):
    state = StateDirectory(tmp_path)
    record = service.create(ACCOUNT, REGION, settings(ScheduleExpression="rate(1 hour)"))
    clock.advance(30 * 60)
    service.save(state)
    service.shutdown()
    association_stores.reset()

    later = FakeClock(START + 5 * HOUR)  # stopped for hours: four runs missed
    recorder = Recorder()
    runner = AssociationRunner(fleet, recorder, later, load, lambda a, r: lambda name: None)
    restored = AssociationService(runner, later)
    restored.restore(state)
    again = association_stores[ACCOUNT][REGION].associations[record.association_id]
    assert again.versions == record.versions
    assert len(restored.executions(ACCOUNT, REGION, record.association_id)) == 1
    later.advance(0)
    assert len(recorder.requests) == 1  # once, not four times
    later.advance(HOUR)
    assert len(recorder.requests) == 2
