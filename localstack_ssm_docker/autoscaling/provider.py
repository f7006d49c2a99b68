"""Auto Scaling on Docker-backed EC2 instances: it composes the group, launch-configuration,
lifecycle hook and instance refresh handler groups with the reconciler (reconciler.py) and its
thread (loop.py), which starts with the service, once the instances are recovered (a kept
group's members must be known before their health is read), and stops before LocalStack's
services do. With PERSISTENCE=1 the groups are saved when the service stops and come back when
it starts."""

import time
from collections.abc import Callable
from typing import Protocol

from localstack.services.plugins import ServiceLifecycleHook

from localstack_ssm_docker.autoscaling.api import AutoscalingApi
from localstack_ssm_docker.autoscaling.configuration_handlers import ConfigurationHandlers
from localstack_ssm_docker.autoscaling.group_handlers import Ec2Lookup, GroupHandlers
from localstack_ssm_docker.autoscaling.lifecycle_hook_handlers import LifecycleHookHandlers
from localstack_ssm_docker.autoscaling.lifecycle_hooks import LifecycleEvents
from localstack_ssm_docker.autoscaling.loop import ReconcileLoop
from localstack_ssm_docker.autoscaling.reconciler import InstanceLauncher, Reconciler
from localstack_ssm_docker.autoscaling.refresh_handlers import RefreshHandlers
from localstack_ssm_docker.autoscaling.store import Groups
from localstack_ssm_docker.persistence import StateDirectory

STATE_NAME = "autoscaling-groups"


class Ec2(InstanceLauncher, Ec2Lookup, Protocol):
    """EC2 as Auto Scaling uses it (ec2_access.LocalStackEc2)."""


class AutoScalingProvider(AutoscalingApi, ServiceLifecycleHook):
    """Every operation not in a handler group answers as not implemented (no moto fallback: moto's
    groups would have instances without containers)."""

    def __init__(
        self,
        ec2: Ec2,
        interval: float,
        retry_delay: float,
        before_start: Callable[[], None],
        state: StateDirectory | None = None,
        groups: Groups | None = None,
        clock: Callable[[], float] = time.time,
        events: LifecycleEvents | None = None,
    ):
        groups = groups or Groups()
        self._store = groups
        self._state = state
        self._before_start = before_start
        self.reconciler = Reconciler(groups, ec2, clock, retry_delay=retry_delay, events=events)
        self._loop = ReconcileLoop(self.reconciler.reconcile, interval)
        self.groups = GroupHandlers(groups, ec2, self.reconciler.busy, self._loop.poke, clock)
        self.configurations = ConfigurationHandlers(groups, clock)
        self.hooks = LifecycleHookHandlers(groups, self._loop.poke, clock)
        self.refreshes = RefreshHandlers(groups, ec2, self._loop.poke, clock)

    @property
    def handler_groups(self) -> tuple[object, ...]:
        return (self.groups, self.configurations, self.hooks, self.refreshes)

    def on_before_start(self) -> None:
        self._before_start()
        if self._state is not None and (snapshot := self._state.load(STATE_NAME)):
            self._store.restore(snapshot)
        self._loop.start()

    def on_before_stop(self) -> None:
        self._loop.stop()
        if self._state is not None:
            self._state.save(STATE_NAME, self._store.snapshot())
