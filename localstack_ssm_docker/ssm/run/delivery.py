"""Delivering an invocation to its instance: it starts (InProgress), its ``{{ssm:...}}``
references are resolved, its steps run one after the other; an instance that cannot be reached
now makes it Delayed and delivery is tried again until the delivery timeout.

An invocation ended meanwhile (cancelled, delivery timed out, LocalStack stopping) is not
delivered at all; an unexpected error fails it rather than leaving it InProgress.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from localstack.aws.api import ServiceException
from localstack.aws.api.ssm import CommandInvocationStatus

from localstack_ssm_docker.engine.errors import ContainerGone, ContainerNotRunning
from localstack_ssm_docker.ssm.documents.parameter_refs import (
    ParameterResolutionError,
    has_references,
    resolve,
)
from localstack_ssm_docker.ssm.documents.plan import CommandPlan, plan_command
from localstack_ssm_docker.ssm.run import messages
from localstack_ssm_docker.ssm.run.command_run import CommandRun, Finish, Job
from localstack_ssm_docker.ssm.run.ports import ParameterLookup
from localstack_ssm_docker.ssm.run.results import combine
from localstack_ssm_docker.ssm.run.status import DELIVERY_TIMED_OUT, UNDELIVERABLE
from localstack_ssm_docker.ssm.run.steps import StepRunner
from localstack_ssm_docker.ssm.run.timers import Timers
from localstack_ssm_docker.ssm.run.workers import Pool

LOG = logging.getLogger(__name__)

Status = CommandInvocationStatus

NOT_DELIVERED: dict[str, Any] = {
    "status": Status.Failed,
    "status_details": UNDELIVERABLE,
    "stderr": messages.NOT_DELIVERED,
}
"""How an invocation ends that LocalStack's stop kept from being delivered."""


class Delivery:
    """Delivers jobs on the invocation pool's threads."""

    def __init__(
        self,
        lock: threading.RLock,
        pool: Pool,
        timers: Timers,
        steps: StepRunner,
        stopping: threading.Event,
        finish: Finish,
        parameter_lookup: ParameterLookup | None = None,
        clock: Callable[[], float] = time.time,
        retry_interval: float = 1.0,
    ):
        self._lock = lock
        self._pool = pool
        self._timers = timers
        self._steps = steps
        self._stopping = stopping
        self._finish = finish
        self._lookup = parameter_lookup
        self._clock = clock
        self._retry_interval = retry_interval

    def start(self, run: CommandRun, job: Job) -> None:
        """Hands the job to a worker."""
        self._pool.submit(self._attempt, run, job)

    def _attempt(self, run: CommandRun, job: Job) -> None:
        """Delivers the invocation and runs it, unless it ended meanwhile; an unexpected error
        fails the invocation rather than leaving it InProgress."""
        try:
            self._deliver(run, job)
        except Exception as e:
            LOG.exception("invocation %s on %s broke", run.command_id, job.target)
            with self._lock:
                self._finish(
                    run,
                    job,
                    status=Status.Failed,
                    status_details=Status.Failed,
                    stderr=messages.internal_error(e),
                )

    def _deliver(self, run: CommandRun, job: Job) -> None:
        if not self._begin(run, job):
            return
        try:
            job.plan = job.plan or self._resolve_plan(run)
        except (ParameterResolutionError, ServiceException) as e:
            message = e.message if isinstance(e, ServiceException) else str(e)
            with self._lock:
                return self._finish(
                    run,
                    job,
                    status=Status.Failed,
                    status_details=Status.Failed,
                    response_code=1,
                    stderr=message,
                )
        for step in job.plan.steps[len(job.results) :]:
            try:
                job.results.append(self._steps.result_of(run, job, step))
            except ContainerNotRunning:
                return self._retry_later(run, job)
            except ContainerGone as e:
                with self._lock:
                    return self._finish(
                        run,
                        job,
                        status=Status.Failed,
                        status_details=UNDELIVERABLE,
                        stderr=messages.container_gone(e),
                    )
            with self._lock:
                if job.done:  # ended while its container could not be reached (see kills)
                    return None
                run.set(job.target.instance_id, plugins=tuple(job.results))
        with self._lock:
            plugins = tuple(job.results)
            started_at = run.invocation(job.target.instance_id).result.started_at
            return self._finish(run, job, plugins=plugins, result=combine(plugins, started_at))

    def _begin(self, run: CommandRun, job: Job) -> bool:
        """Ends the invocation if it must not be delivered; else marks it InProgress."""
        with self._lock:
            if job.done:  # ended while its container could not be reached (see kills)
                return False
            if self._stopping.is_set() and not job.results:
                self._finish(run, job, **NOT_DELIVERED)
                return False
            if job.cancel_requested and not job.results:
                self._finish(run, job, status=Status.Cancelled, status_details=Status.Cancelled)
                return False
            if job.delivery_expired:
                self._finish(run, job, status=Status.TimedOut, status_details=DELIVERY_TIMED_OUT)
                return False
            current = run.invocation(job.target.instance_id).result
            if current.status in (Status.Pending, Status.Delayed):
                run.set(
                    job.target.instance_id,
                    status=Status.InProgress,
                    status_details=Status.InProgress,
                    started_at=current.started_at or self._clock(),
                )
            return True

    def _retry_later(self, run: CommandRun, job: Job) -> None:
        """The instance cannot be reached now: Delayed, and delivery is tried again."""
        with self._lock:
            if job.done:  # ended while its container could not be reached (see kills)
                return None
            if job.cancel_requested and not job.results:
                return self._finish(
                    run, job, status=Status.Cancelled, status_details=Status.Cancelled
                )
            run.set(job.target.instance_id, status=Status.Delayed, status_details=Status.Delayed)
        self._timers.call_later(self._retry_interval, lambda: self.start(run, job))
        return None

    def _resolve_plan(self, run: CommandRun) -> CommandPlan:
        """The plan with ``{{ssm:...}}`` references replaced by Parameter Store's values."""
        request = run.request
        lookup = self._lookup
        if lookup is None or not has_references(run.command.parameters):
            return request.plan
        scope = request.scope
        resolved = resolve(
            run.command.parameters, lambda names: lookup(scope.account_id, scope.region, names)
        )
        return plan_command(request.document, resolved)
