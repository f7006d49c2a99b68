"""Runs invocations on a worker pool and moves each through Pending → InProgress → its end."""

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from localstack_ssm_docker.engine import EngineError, ScriptJob, ScriptRunner
from localstack_ssm_docker.ssm import output
from localstack_ssm_docker.ssm.documents import ShellScriptPlan
from localstack_ssm_docker.ssm.models import (
    FAILED,
    IN_PROGRESS,
    Command,
    Invocation,
    RunCommandStore,
)
from localstack_ssm_docker.ssm.status import outcome_of_exit_code

LOG = logging.getLogger(__name__)

ORCHESTRATION_ROOT = "/var/lib/amazon/ssm"


@dataclass(frozen=True)
class Target:
    """Where one invocation runs."""

    instance_id: str
    container_id: str


def script_dir(instance_id: str, command_id: str, plugin_name: str) -> str:
    """The agent's orchestration folder of one plugin step, where its script is written."""
    plugin = plugin_name.replace(":", "")
    return (
        f"{ORCHESTRATION_ROOT}/{instance_id}/document/orchestration/{command_id}/"
        f"{plugin}/0.{plugin}"
    )


class CommandExecutor:
    """Schedules invocations on a pool of workers and records their progress in the store."""

    def __init__(self, runner: ScriptRunner, workers: int, clock: Callable[[], float] = time.time):
        self._runner = runner
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ssm-invocation")
        self._lock = threading.Lock()

    def submit(
        self,
        store: RunCommandStore,
        region: str,
        command: Command,
        plan: ShellScriptPlan,
        targets: list[Target],
    ) -> None:
        """Records the command with a Pending invocation per target and starts running them."""
        store.invocations[command.command_id] = {
            t.instance_id: Invocation(command.command_id, t.instance_id, command.requested_at)
            for t in targets
        }
        store.commands[command.command_id] = command
        for target in targets:
            self._pool.submit(self._run, store, region, command, plan, target)

    def shutdown(self) -> None:
        """Stops taking work; queued invocations are dropped, running ones end on their own."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(
        self,
        store: RunCommandStore,
        region: str,
        command: Command,
        plan: ShellScriptPlan,
        target: Target,
    ) -> None:
        key = (command.command_id, target.instance_id)
        self._update(
            store, key, status=IN_PROGRESS, status_details=IN_PROGRESS, started_at=self._clock()
        )
        job = ScriptJob(
            script=plan.script,
            script_dir=script_dir(target.instance_id, command.command_id, plan.plugin_name),
            working_directory=plan.working_directory,
            environment={
                "AWS_SSM_INSTANCE_ID": target.instance_id,
                "AWS_SSM_REGION_NAME": region,
                "SSM_COMMAND_ID": command.command_id,
            },
            output_limit=output.STDOUT_LIMIT,
        )
        try:
            result = self._runner.run_script(target.container_id, job)
        except EngineError as e:
            LOG.warning("invocation %s on %s could not run: %s", *key, e)
            self._update(
                store,
                key,
                status=FAILED,
                status_details=FAILED,
                ended_at=self._clock(),
                stderr=f"the instance's container could not run the command: {e}",
            )
            return
        outcome = outcome_of_exit_code(result.exit_code)
        self._update(
            store,
            key,
            status=outcome.status,
            status_details=outcome.status_details,
            response_code=result.exit_code,
            ended_at=self._clock(),
            stdout=output.inline(result.stdout, result.stdout_size, output.STDOUT_LIMIT),
            stderr=output.inline(
                result.stderr, result.stderr_size, output.STDERR_LIMIT, outcome.stderr_note
            ),
        )

    def _update(self, store: RunCommandStore, key: tuple[str, str], **changes) -> None:
        command_id, instance_id = key
        with self._lock:
            invocations = store.invocations[command_id]
            invocations[instance_id] = dataclasses.replace(invocations[instance_id], **changes)
