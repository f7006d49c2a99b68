"""The texts an invocation's stderr carries when the emulator, not the script, ended it.

They are in one place because several roles write them (delivery, kills, shutdown, the history
restored after a restart) and a user reads them as one vocabulary.
"""

from localstack_ssm_docker.engine.errors import (
    ContainerRestarted,
    ContainerStopped,
    EngineError,
    EngineNotAnswering,
)

INTERRUPTED = "LocalStack stopped while the command was running."
NOT_DELIVERED = "LocalStack stopped before the command was delivered."
UNREACHABLE = (
    "The instance's container was paused or stopped when the command had to end: the script "
    "could not be killed then; it is killed once the container runs again."
)


def interruption(error: EngineError) -> str:
    """What an invocation's stderr says when its container, not its script, ended it."""
    if isinstance(error, ContainerRestarted):
        return "The instance rebooted while the command was running."
    if isinstance(error, ContainerStopped):
        return f"The instance's container stopped while the command was running ({error})."
    if isinstance(error, EngineNotAnswering):
        return f"The Docker engine became unavailable while the command was running ({error})."
    return f"The instance's container could not run the command: {error}"


def container_gone(error: EngineError) -> str:
    """Why an invocation was not delivered: its container no longer exists."""
    return f"the instance's container is gone: {error}"


def unsupported_action(plugin_name: str, action: str) -> str:
    """Why a step that is not a shell script failed."""
    return (
        f"Step {plugin_name} uses action {action}: "
        "localstack-ssm-docker runs only aws:runShellScript steps."
    )


def internal_error(error: Exception) -> str:
    """Why an invocation failed on an error of the emulator itself."""
    return f"internal error of the emulator: {error}"
