"""The state of one command's run: which invocations wait, which run, the error budget and
MaxConcurrency, and the one place that replaces an invocation in the store.

A run holds the executor's lock (re-entrant) and takes it where its invocations change, so a
caller with the lock or without it changes them whole; the executor takes the same lock around
the scheduling that reads and changes `queue`, `running` and `errors` together. The roles that
work without the lock (delivery, steps, kills) only read a `Job`'s flags or take the lock to
change them.
"""

import dataclasses
import logging
import threading
from collections import deque
from typing import Any, Protocol

from localstack.aws.api.ssm import CommandStatus

from localstack_ssm_docker.engine.values import ScriptJob
from localstack_ssm_docker.ssm.documents.plan import CommandPlan
from localstack_ssm_docker.ssm.models import Invocation, PluginResult, Result
from localstack_ssm_docker.ssm.run.ports import StatusObserver
from localstack_ssm_docker.ssm.run.request import CommandRequest, Target
from localstack_ssm_docker.ssm.run.status import (
    max_concurrency_for,
    max_errors_for,
    summarize,
)
from localstack_ssm_docker.ssm.run.timers import Cancellable

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(eq=False)
class Job:
    """One invocation that has been handed to a worker: what was asked of it and how far it got."""

    target: Target
    cancel_requested: bool = False
    delivery_expired: bool = False
    delivered: bool = False
    done: bool = False
    plan: CommandPlan | None = None
    attempt: ScriptJob | None = None
    """The run of a script under way (None between runs): a kill names the run it is for and
    does nothing once another has taken its place."""
    results: list[PluginResult] = dataclasses.field(default_factory=list)
    skip_rest: bool = False
    """A step stopped the document (exit 169, a failed step that exits on failure, an
    interruption): the remaining steps are skipped."""

    @property
    def executing(self) -> bool:
        return self.attempt is not None


class CommandRun:
    """One command's invocations as the executor schedules them."""

    def __init__(
        self, request: CommandRequest, observer: StatusObserver | None, lock: threading.RLock
    ):
        self.lock = lock
        self.request = request
        self.command = request.command
        self.observer = observer
        self.queue: deque[Target] = deque(request.targets)
        self.running: dict[str, Job] = {}
        total = len(request.targets)
        self.max_concurrency = max_concurrency_for(self.command.max_concurrency, total)
        self.max_errors = max_errors_for(self.command.max_errors, total)
        self.errors = 0
        self.command_status: str = CommandStatus.Pending
        self.delivery_timer: Cancellable | None = None

    @property
    def command_id(self) -> str:
        return self.command.command_id

    @property
    def finished(self) -> bool:
        return not self.queue and not self.running

    @property
    def over_error_budget(self) -> bool:
        return self.errors > self.max_errors

    @property
    def has_room(self) -> bool:
        """Whether MaxConcurrency lets one more invocation start."""
        return len(self.running) < self.max_concurrency

    def invocation(self, instance_id: str) -> Invocation:
        with self.lock:
            return self.request.store.invocations[self.command_id][instance_id]

    def set(
        self,
        instance_id: str,
        plugins: tuple[PluginResult, ...] | None = None,
        result: Result | None = None,
        **changes: Any,
    ) -> Invocation:
        """Replaces the invocation with its changed self (`result` replaces its result, `changes`
        are fields of its result); tells the observer of status changes of the invocation and of
        its command."""
        with self.lock:
            return self._set(instance_id, plugins, result, changes)

    def _set(
        self,
        instance_id: str,
        plugins: tuple[PluginResult, ...] | None,
        result: Result | None,
        changes: dict[str, Any],
    ) -> Invocation:
        invocations = self.request.store.invocations[self.command_id]
        before = invocations[instance_id]
        after = dataclasses.replace(before, result=result) if result is not None else before
        after = after.with_result(**changes)
        if plugins is not None:
            after = dataclasses.replace(after, plugins=plugins)
        invocations[instance_id] = after
        if self.observer is not None and after.result.status != before.result.status:
            try:
                self._tell(self.observer, invocations, after)
            except Exception:
                LOG.exception("status change of %s not told", self.command_id)
        return after

    def _tell(
        self, observer: StatusObserver, invocations: dict[str, Invocation], changed: Invocation
    ) -> None:
        scope, command = self.request.scope, self.command
        observer.invocation_changed(scope.account_id, scope.region, command, changed)
        status = summarize(invocations.values(), self.max_errors).status
        if status != self.command_status:
            self.command_status = status
            observer.command_changed(
                scope.account_id, scope.region, command, status, list(invocations)
            )


class Finish(Protocol):
    """Ends a job's invocation (taking the lock): `result` and `changes` as in
    `CommandRun.set`; the end time is stamped, the error budget counted, the next ones started."""

    def __call__(
        self,
        run: CommandRun,
        job: Job,
        /,
        plugins: tuple[PluginResult, ...] | None = None,
        result: Result | None = None,
        **changes: Any,
    ) -> None: ...
