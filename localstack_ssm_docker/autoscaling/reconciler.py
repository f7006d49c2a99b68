"""Keeps every group at its desired capacity: one pass checks the members' health, takes the
unhealthy and what a scale-in, a user or a deletion removes out of service, lets the lifecycle
actions past their timeout go (lifecycle_hooks.py), ends the launch activities launching hooks
held, takes the next batch of an instance refresh (refresh.py), sends the lifecycle actions'
events, terminates the members that are Terminating and launches what is missing, recording a
scaling activity for each launch and termination.
Members held in Pending:Wait count towards the capacity; those in Terminating:Wait do not, and
are terminated only once their hooks let them go.

The launches and terminations go through an `InstanceLauncher` (ec2_access.py: this LocalStack's
own RunInstances and TerminateInstances), so a group's instances are the EC2 API's instances. A
failed launch is recorded and retried after a back-off that doubles with each failure in a row,
read from the injected clock: a group that cannot launch never loops."""

import functools
import json
import logging
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from localstack_ssm_docker.autoscaling import lifecycle_hooks, refresh, termination
from localstack_ssm_docker.autoscaling.lifecycle_hooks import LifecycleEvent, LifecycleEvents
from localstack_ssm_docker.autoscaling.records import (
    CANCELLED,
    FAILED,
    HEALTHY,
    IN_PROGRESS,
    IN_SERVICE,
    PENDING_WAIT,
    SUCCESSFUL,
    TERMINATING,
    TERMINATING_WAIT,
    UNHEALTHY,
    Activity,
    Group,
    LaunchConfiguration,
    LaunchSource,
    Member,
    Placement,
)
from localstack_ssm_docker.autoscaling.store import Groups

LOG = logging.getLogger(__name__)

GROUP_NAME_TAG = "aws:autoscaling:groupName"
RETRY_DELAY = 10.0
"""Seconds before the first retry of a failed launch; each failure in a row doubles it."""
MAX_RETRY_DELAY = 300.0


@dataclass(frozen=True)
class LaunchOrder:
    """Instances to launch for a group in one placement, with the tags they get."""

    group_name: str
    source: LaunchSource
    configuration: LaunchConfiguration | None
    placement: Placement
    count: int
    tags: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Launched:
    instance_id: str
    instance_type: str


class LaunchFailed(Exception):
    """EC2 refused or failed the launch; the message is EC2's."""


class InstanceLauncher(Protocol):
    def launch(self, account_id: str, region: str, order: LaunchOrder) -> list[Launched]:
        """Launches all of the order's instances or none (LaunchFailed)."""
        ...

    def terminate(self, account_id: str, region: str, instance_ids: list[str]) -> None:
        """Terminates the instances (those already gone count as terminated)."""
        ...

    def healthy(self, account_id: str, region: str, instance_ids: Collection[str]) -> set[str]:
        """Those of the instances that are running, their container running too."""
        ...


class _NoEvents:
    def send(self, account_id: str, region: str, event: LifecycleEvent) -> None:
        """Lifecycle actions still wait and time out; nobody hears of them."""


class Reconciler:
    """One pass at a time (`reconcile`), over every group of every account and region."""

    def __init__(
        self,
        groups: Groups,
        launcher: InstanceLauncher,
        clock: Callable[[], float],
        retry_delay: float = RETRY_DELAY,
        max_retry_delay: float = MAX_RETRY_DELAY,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        events: LifecycleEvents | None = None,
    ):
        self._groups = groups
        self._launcher = launcher
        self._clock = clock
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._new_id = new_id
        self._events = events or _NoEvents()
        self._busy: set[tuple[str, str, str]] = set()
        self._busy_lock = threading.Lock()
        self._pass_lock = threading.Lock()

    def busy(self, account_id: str, region: str, name: str) -> bool:
        """A launch or termination for the group is under way."""
        with self._busy_lock:
            return (account_id, region, name) in self._busy

    def reconcile(self) -> None:
        """One pass over every group; a group whose pass fails is logged, the others go on."""
        with self._pass_lock:
            for account_id, region, group in self._groups.every():
                try:
                    self._reconcile(account_id, region, group.name)
                except Exception:
                    LOG.exception("Auto Scaling group %s not reconciled", group.name)

    def _reconcile(self, account_id: str, region: str, name: str) -> None:
        self._check_health(account_id, region, name)
        self._take_out_of_service(account_id, region, name)
        self._expire_actions(account_id, region, name)
        self._end_held_launches(account_id, region, name)
        self._refresh(account_id, region, name)
        self._notify(account_id, region, name)
        self._terminate(account_id, region, name)
        self._launch(account_id, region, name)
        self._notify(account_id, region, name)
        group = self._groups.get(account_id, region, name)
        if group is not None and group.deleting and not group.members:
            self._groups.remove(account_id, region, name)

    @contextmanager
    def _acting(self, account_id: str, region: str, name: str) -> Iterator[None]:
        """Around a launch or termination for the group (`busy` says so meanwhile)."""
        key = (account_id, region, name)
        with self._busy_lock:
            self._busy.add(key)
        try:
            yield
        finally:
            with self._busy_lock:
                self._busy.discard(key)

    def _check_health(self, account_id: str, region: str, name: str) -> None:
        """In-service members past the grace period whose instance is not running (stopped,
        terminated, its container gone or exited) become Unhealthy."""
        group = self._groups.get(account_id, region, name)
        if group is None or "HealthCheck" in group.suspended:
            return
        now = self._clock()
        checked = [
            m.instance_id
            for m in group.members
            if m.lifecycle_state == IN_SERVICE
            and m.health_status == HEALTHY
            and now - m.serving_since >= group.grace_period
        ]
        if not checked:
            return
        healthy = self._launcher.healthy(account_id, region, checked)
        sick = {i for i in checked if i not in healthy}
        if not sick:
            return
        cause = (
            f"At {stamp(now)} an instance was taken out of service in response to an EC2 health "
            "check indicating it has been terminated or stopped."
        )

        def mark(g: Group) -> Group:
            return replace(
                g,
                members=tuple(
                    replace(m, health_status=UNHEALTHY, cause=m.cause or cause)
                    if m.instance_id in sick and m.health_status == HEALTHY
                    else m
                    for m in g.members
                ),
            )

        self._groups.change(account_id, region, name, mark)

    def _take_out_of_service(self, account_id: str, region: str, name: str) -> None:
        """Unhealthy members, and the members a scale-in (or the group's deletion) removes,
        become Terminating."""
        now = self._clock()

        def take(g: Group) -> Group | None:
            leaving: dict[str, str] = {}
            if "ReplaceUnhealthy" not in g.suspended or g.deleting:
                for m in g.active:
                    if m.health_status == UNHEALTHY:
                        leaving[m.instance_id] = m.cause
            target = 0 if g.deleting else refresh.capacity(g)
            remaining = [m for m in g.active if m.instance_id not in leaving]
            excess = len(remaining) - target
            if excess > 0 and ("Terminate" not in g.suspended or g.deleting):
                kept = replace(g, members=tuple(remaining))
                cause = (
                    f"{g.cause}  At {stamp(now)} an instance was taken out of service in response "
                    "to a difference between desired and actual capacity, shrinking the capacity "
                    f"from {len(remaining)} to {target}."
                ).strip()
                for victim in termination.victims(kept, excess):
                    leaving[victim.instance_id] = cause
            if g.deleting:  # a force-deleted group's waiting members go without their hooks
                for m in g.members:
                    if m.lifecycle_state == TERMINATING_WAIT:
                        leaving[m.instance_id] = m.cause
            if not leaving:
                return None
            return replace(
                g,
                members=tuple(
                    lifecycle_hooks.leave(
                        g,
                        replace(m, lifecycle_state=IN_SERVICE, actions=())
                        if m.lifecycle_state == TERMINATING_WAIT
                        else m,
                        leaving[m.instance_id],
                        now,
                        self._new_id,
                        m.decrement,
                    )
                    if m.instance_id in leaving
                    else m
                    for m in g.members
                ),
            )

        self._groups.change(account_id, region, name, take)

    def _expire_actions(self, account_id: str, region: str, name: str) -> None:
        """Lifecycle actions past their deadline take their hook's default result."""
        now = self._clock()

        def expire(g: Group) -> Group | None:
            changed = [lifecycle_hooks.expire(m, now, stamp(now)) for m in g.members]
            if all(c is None for c in changed):
                return None
            return replace(
                g,
                members=tuple(c or m for c, m in zip(changed, g.members, strict=True)),
            )

        self._groups.change(account_id, region, name, expire)

    def _end_held_launches(self, account_id: str, region: str, name: str) -> None:
        """Ends the launch activities of members whose launching hooks let them go: Successful
        once InService, Cancelled when they were taken out instead (an ABANDON, a scale-in, the
        group's deletion), with why in the status message."""
        group = self._groups.get(account_id, region, name)
        if group is None:
            return
        ended = {
            m.instance_id: m
            for m in group.members
            if m.launch_activity is not None and m.lifecycle_state != PENDING_WAIT
        }
        if not ended:
            return
        now = self._clock()
        for member in ended.values():
            activity_id = member.launch_activity
            assert activity_id is not None
            if member.lifecycle_state == IN_SERVICE:
                status, message = SUCCESSFUL, None
            else:
                status, message = CANCELLED, member.cause or None
            self._groups.end_activity(
                account_id,
                region,
                name,
                activity_id,
                functools.partial(
                    replace, ended_at=now, status_code=status, status_message=message
                ),
            )

        def settle(g: Group) -> Group:
            return replace(
                g,
                members=tuple(
                    replace(m, launch_activity=None) if m.instance_id in ended else m
                    for m in g.members
                ),
            )

        self._groups.change(account_id, region, name, settle)

    def _refresh(self, account_id: str, region: str, name: str) -> None:
        """The next step of the group's instance refresh (refresh.py)."""
        now = self._clock()
        cause = (
            f"At {stamp(now)} an instance was taken out of service in response to an instance "
            "refresh."
        )

        def leave(g: Group, m: Member) -> Member:
            return lifecycle_hooks.leave(g, m, cause, now, self._new_id)

        self._groups.change(account_id, region, name, lambda g: refresh.advance(g, now, leave))

    def _notify(self, account_id: str, region: str, name: str) -> None:
        """Sends the event of every lifecycle action not yet announced, once: a bus that fails
        is logged, the action still waits out its timeout."""
        group = self._groups.get(account_id, region, name)
        if group is None:
            return
        due = [(m, a) for m in group.members for a in m.actions if not a.notified]
        if not due:
            return
        for member, action in due:
            try:
                self._events.send(account_id, region, lifecycle_hooks.event(group, member, action))
            except Exception as e:
                LOG.warning(
                    "lifecycle action %s of Auto Scaling group %s not sent: %s",
                    action.token,
                    name,
                    e,
                )
        sent = {a.token for _, a in due}

        def mark(g: Group) -> Group:
            return replace(
                g,
                members=tuple(
                    replace(
                        m,
                        actions=tuple(
                            replace(a, notified=True) if a.token in sent else a for a in m.actions
                        ),
                    )
                    if m.actions
                    else m
                    for m in g.members
                ),
            )

        self._groups.change(account_id, region, name, mark)

    def _terminate(self, account_id: str, region: str, name: str) -> None:
        group = self._groups.get(account_id, region, name)
        if group is None:
            return
        leaving = [m for m in group.members if m.lifecycle_state == TERMINATING]
        if not leaving:
            return
        started = self._clock()
        try:
            with self._acting(account_id, region, name):
                self._launcher.terminate(account_id, region, [m.instance_id for m in leaving])
        except Exception as e:  # the members stay Terminating: the next pass tries again
            LOG.warning("instances of Auto Scaling group %s not terminated: %s", name, e)
            return
        gone = {m.instance_id for m in leaving}
        self._groups.change(
            account_id,
            region,
            name,
            lambda g: replace(g, members=tuple(m for m in g.members if m.instance_id not in gone)),
        )
        ended = self._clock()
        for member in leaving:
            self._record(
                account_id,
                region,
                group,
                f"Terminating EC2 instance: {member.instance_id}",
                member.cause,
                started,
                ended,
                SUCCESSFUL,
                details(member.availability_zone, None),
            )

    def _launch(self, account_id: str, region: str, name: str) -> None:
        group = self._groups.get(account_id, region, name)
        if group is None or group.deleting or "Launch" in group.suspended:
            return
        missing = refresh.capacity(group) - len(group.active)
        now = self._clock()
        if missing <= 0 or now < group.next_launch_at:
            return
        source = refresh.launch_source(group)
        configuration = None
        if source.configuration is not None:
            configuration = self._groups.configuration(account_id, region, source.configuration)
        tags = (
            (GROUP_NAME_TAG, group.name),
            *tuple((t.key, t.value) for t in group.tags if t.propagate_at_launch),
        )
        capacity = len(group.active)
        for placement, count in _spread(group, missing):
            order = LaunchOrder(group.name, source, configuration, placement, count, tags)
            started = self._clock()
            try:
                with self._acting(account_id, region, name):
                    launched = self._launcher.launch(account_id, region, order)
            except Exception as e:
                self._failed(account_id, region, group, order, str(e), started)
                return
            ended = self._clock()
            cause = (
                f"{group.cause}  At {stamp(started)} an instance was started in response to a "
                "difference between desired and actual capacity, increasing the capacity from "
                f"{capacity} to {capacity + count}."
            ).strip()
            capacity += count
            members = tuple(
                _with_launch_activity(
                    lifecycle_hooks.arrive(
                        group,
                        Member(
                            instance_id=i.instance_id,
                            instance_type=i.instance_type,
                            availability_zone=placement.availability_zone,
                            source=source,
                            launched_at=ended,
                        ),
                        ended,
                        self._new_id,
                    ),
                    self._new_id,
                )
                for i in launched
            )
            if not self._join(account_id, region, name, members):
                return
            for member in members:  # held by a launching hook: InProgress until it ends
                self._record(
                    account_id,
                    region,
                    group,
                    f"Launching a new EC2 instance: {member.instance_id}",
                    cause,
                    started,
                    None if member.launch_activity else ended,
                    IN_PROGRESS if member.launch_activity else SUCCESSFUL,
                    details(placement.availability_zone, placement.subnet_id),
                    activity_id=member.launch_activity,
                )

    def _join(self, account_id: str, region: str, name: str, members: tuple[Member, ...]) -> bool:
        """Adds the launched members; when the group went (or is being deleted) meanwhile, they
        are terminated again (False)."""

        def join(g: Group) -> Group | None:
            if g.deleting:
                return None
            return replace(g, members=g.members + members, launch_failures=0, next_launch_at=0.0)

        if self._groups.change(account_id, region, name, join) is not None:
            return True
        self._launcher.terminate(account_id, region, [m.instance_id for m in members])
        return False

    def _failed(
        self,
        account_id: str,
        region: str,
        group: Group,
        order: LaunchOrder,
        reason: str,
        started: float,
    ) -> None:
        now = self._clock()
        failures = group.launch_failures + 1
        delay = min(self._retry_delay * 2 ** (failures - 1), self._max_retry_delay)

        def back_off(g: Group) -> Group:
            g = replace(g, launch_failures=failures, next_launch_at=now + delay)
            if failures >= refresh.FAILED_LAUNCHES:
                g = refresh.fail(g, reason, now) or g
            return g

        self._groups.change(account_id, region, group.name, back_off)
        LOG.info(
            "launch for Auto Scaling group %s failed (next try in %.0f s): %s",
            group.name,
            delay,
            reason,
        )
        self._record(
            account_id,
            region,
            group,
            "Launching a new EC2 instance.  Status Reason: "
            f"{reason}. Launching EC2 instance failed.",
            (
                f"{group.cause}  At {stamp(started)} an instance was started in response to a "
                "difference between desired and actual capacity, increasing the capacity from "
                f"{len(group.active)} to {len(group.active) + order.count}."
            ).strip(),
            started,
            now,
            FAILED,
            details(order.placement.availability_zone, order.placement.subnet_id),
            status_message=reason,
        )

    def _record(
        self,
        account_id: str,
        region: str,
        group: Group,
        description: str,
        cause: str,
        started: float,
        ended: float | None,
        status_code: str,
        details: str,
        status_message: str | None = None,
        activity_id: str | None = None,
    ) -> None:
        self._groups.record(
            account_id,
            region,
            Activity(
                activity_id=activity_id or self._new_id(),
                group_name=group.name,
                group_arn=group.arn,
                description=description,
                cause=cause,
                started_at=started,
                ended_at=ended,
                status_code=status_code,
                details=details,
                status_message=status_message,
            ),
        )


def _with_launch_activity(member: Member, new_id: Callable[[], str]) -> Member:
    """A member held in Pending:Wait gets the id of its launch activity, which stays open."""
    if member.lifecycle_state != PENDING_WAIT:
        return member
    return replace(member, launch_activity=new_id())


def _spread(group: Group, missing: int) -> list[tuple[Placement, int]]:
    """How many instances each placement gets: each new one goes to the zone with the fewest
    members (AWS balances zones), the first placement of the group on a tie."""
    per_zone = Counter(m.availability_zone for m in group.active)
    counts: Counter[Placement] = Counter()
    for _ in range(missing):
        chosen = min(group.placements, key=lambda p: per_zone[p.availability_zone])
        per_zone[chosen.availability_zone] += 1
        counts[chosen] += 1
    return [(p, counts[p]) for p in group.placements if counts[p]]


def details(zone: str, subnet_id: str | None) -> str:
    details = {"Availability Zone": zone}
    if subnet_id is not None:
        details["Subnet ID"] = subnet_id
    return json.dumps(details)


def stamp(timestamp: float) -> str:
    """AWS's way of naming a moment in an activity's cause: 2026-03-01T12:00:00Z."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
