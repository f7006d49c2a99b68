"""What can go wrong in the container engine, as types the executor and the providers tell apart
(never by message text)."""

from localstack_ssm_docker.engine.values import ScriptResult


class EngineError(Exception):
    """The container engine could not do what was asked."""


class EngineNotAnswering(EngineError):
    """No container engine answers (the handlers reply with AWS's 503,
    `ec2.exceptions.EngineUnavailableError`)."""


class ContainerGone(EngineError):
    """The container does not exist (any more)."""


class NetworkGone(EngineError):
    """A network the container was to be on is gone: LocalStacks on one engine share the
    metadata network, and another one may remove it while this one launches."""


class ContainerNotRunning(EngineError):
    """The container exists but is paused or stopped."""


class ContainerRestarted(EngineError):
    """The container was restarted (the instance rebooted) while a script ran in it."""


class ContainerStopped(EngineError):
    """The container stopped or was removed while a script ran in it; `output` is what the
    script had written until then."""

    def __init__(self, message: str, output: ScriptResult | None = None):
        super().__init__(message)
        self.output = output


class ImageMissing(EngineError):
    """The image a container is to start from is not on the engine."""


class TaskStopped(EngineError):
    """A task's container is killed before its program ends: its stop is asked for, or
    (`timed_out`) its deadline passed."""

    def __init__(self, message: str, timed_out: bool):
        super().__init__(message)
        self.timed_out = timed_out
