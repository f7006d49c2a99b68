"""The step actions by name: what the engine runs and what the document validator checks."""

from localstack_ssm_docker.ssm.automation.actions.base import Action
from localstack_ssm_docker.ssm.automation.actions.execute_script import ExecuteScript, ScriptHost


def _script_host() -> ScriptHost:
    """The wiring's, at a step's run: importing the catalogue starts nothing."""
    from localstack_ssm_docker import wiring

    return wiring.script_host()


ACTIONS: tuple[Action, ...] = (ExecuteScript(_script_host),)
