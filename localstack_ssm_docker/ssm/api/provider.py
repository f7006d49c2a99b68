"""LocalStack's SSM provider with Run Command that really runs, Session Manager, State
Manager and Automation: it composes the handler groups that answer those operations (each
constructed with what it depends on) and keeps the SSM service's state and lifecycle. Every
other SSM operation is LocalStack's own."""

import time
from collections.abc import Callable

from localstack.services.plugins import ServiceLifecycleHook
from localstack.services.ssm.provider import SsmProvider
from localstack.state import StateVisitor

from localstack_ssm_docker.ec2.events import InstanceEvents
from localstack_ssm_docker.persistence import StateDirectory
from localstack_ssm_docker.ssm.api.command_history import CommandHistoryHandlers
from localstack_ssm_docker.ssm.api.document_handlers import AwsDocumentHandlers
from localstack_ssm_docker.ssm.api.run_command import RunCommandHandlers
from localstack_ssm_docker.ssm.associations.automation import StarterAutomations
from localstack_ssm_docker.ssm.associations.clock import Clock, SystemClock
from localstack_ssm_docker.ssm.associations.compliance_handlers import (
    AssociationComplianceHandlers,
)
from localstack_ssm_docker.ssm.associations.execution_handlers import (
    AssociationExecutionHandlers,
)
from localstack_ssm_docker.ssm.associations.handlers import AssociationHandlers
from localstack_ssm_docker.ssm.associations.models import association_stores
from localstack_ssm_docker.ssm.associations.runner import AssociationRunner
from localstack_ssm_docker.ssm.associations.service import AssociationService
from localstack_ssm_docker.ssm.associations.tag_handlers import AssociationTagHandlers
from localstack_ssm_docker.ssm.automation.actions.catalogue import actions_by_name
from localstack_ssm_docker.ssm.automation.document_handlers import AutomationDocumentHandlers
from localstack_ssm_docker.ssm.automation.engine import AutomationEngine
from localstack_ssm_docker.ssm.automation.handlers import AutomationHandlers
from localstack_ssm_docker.ssm.automation.history import restore_executions, save_executions
from localstack_ssm_docker.ssm.automation.starter import AutomationStarter
from localstack_ssm_docker.ssm.history import restore_history, save_history
from localstack_ssm_docker.ssm.integrations.document_loader import load_document
from localstack_ssm_docker.ssm.integrations.resource_groups import group_tag_filters
from localstack_ssm_docker.ssm.models import run_command_stores
from localstack_ssm_docker.ssm.run.executor import CommandExecutor
from localstack_ssm_docker.ssm.sessions.handlers import SessionHandlers
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory


class SsmDockerProvider(SsmProvider, ServiceLifecycleHook):
    """Run Command (`run_command.py`, `command_history.py`), AWS's documents
    (`document_handlers.py`), Session Manager (`ssm/sessions/`), State Manager
    (`ssm/associations/`) and Automation (`ssm/automation/`) as handler groups
    (`handler_groups.dispatch_table` dispatches to them); the Run Command history, the
    associations and the automation executions are saved and restored here."""

    def __init__(
        self,
        instances: InstanceDirectory,
        executor: CommandExecutor,
        clock: Callable[[], float] = time.time,
        state: StateDirectory | None = None,
        events: InstanceEvents | None = None,
        association_clock: Clock | None = None,
        automation: AutomationEngine | None = None,
    ):
        super().__init__()
        self._instances = instances
        self._executor = executor
        self._clock = clock
        self._state = state
        self._events = events or InstanceEvents()
        runner = AssociationRunner(
            instances,
            executor,
            association_clock or SystemClock(),
            load_document,
            lambda account_id, region: lambda name: group_tag_filters(account_id, region, name),
            StarterAutomations(AutomationStarter(automation)) if automation else None,
        )
        self._associations = AssociationService(runner, runner.clock)
        self.run_command = RunCommandHandlers(instances, executor, clock)
        self.command_history = CommandHistoryHandlers(instances)
        self.documents = AwsDocumentHandlers()
        self.sessions = SessionHandlers(instances)
        self.associations = AssociationHandlers(self._associations)
        self.association_tags = AssociationTagHandlers(self._associations)
        self.association_executions = AssociationExecutionHandlers()
        self.association_compliance = AssociationComplianceHandlers()
        self._automation = automation
        self.automation = AutomationHandlers(automation) if automation else None
        self.automation_documents = AutomationDocumentHandlers(actions_by_name())

    @property
    def handler_groups(self) -> tuple[object, ...]:
        return (
            self.run_command,
            self.command_history,
            self.documents,
            self.sessions,
            self.associations,
            self.association_tags,
            self.association_executions,
            self.association_compliance,
            self.automation_documents,
            *((self.automation,) if self.automation else ()),
        )

    def accept_state_visitor(self, visitor: StateVisitor):
        super().accept_state_visitor(visitor)
        visitor.visit(association_stores)
        visitor.visit(run_command_stores)

    def on_before_start(self):
        self._instances.prepare()
        if self._state is not None:
            restore_history(self._state, self._clock())
            restore_executions(self._state, self._clock())
        super().on_before_start()
        if self._state is not None:
            self._associations.restore(self._state)
        self._events.subscribe(self._associations.instances_changed)

    def on_before_stop(self):
        self._associations.shutdown()
        if self._automation is not None:
            self._automation.shutdown()
        if self._state is not None:
            self._associations.save(self._state)
        super().on_before_stop()
        # the instances' containers go only after every service has stopped (ec2/lifecycle.py)
        self._executor.shutdown()
        if self._state is not None:
            save_history(self._state)
            save_executions(self._state)
