"""Which bridge into the instance a session plan gets: a process (shell or command) or a port
(multiplexed with smux, or one plain stream), with the session preferences that shape it."""

from collections.abc import Callable
from typing import Protocol

from localstack_ssm_docker.engine.interface import SessionEngine
from localstack_ssm_docker.ssm.sessions import session_parameters
from localstack_ssm_docker.ssm.sessions.exec_bridge import ExecBridge
from localstack_ssm_docker.ssm.sessions.port_bridge import MuxPortBridge, StreamPortBridge
from localstack_ssm_docker.ssm.sessions.session_parameters import SessionPlan


class Bridge(Protocol):
    def start(self) -> None: ...

    def on_input(self, payload_type: int, payload: bytes) -> None: ...

    def close(self) -> None: ...


def bridge_for(
    engine: SessionEngine,
    container_id: str,
    session_id: str,
    plan: SessionPlan,
    output: Callable[[bytes, int], None],
    ended: Callable[[str], None],
) -> Bridge:
    if plan.session_type == session_parameters.PORT:
        kind = (
            MuxPortBridge
            if plan.properties.get("type") == "LocalPortForwarding"
            else StreamPortBridge
        )
        return kind(engine, container_id, plan.host, plan.port, output, ended)
    if plan.session_type == session_parameters.STANDARD_STREAM:
        inputs = plan.inputs
        user = None
        if _true(inputs.get("runAsEnabled")) and inputs.get("runAsDefaultUser"):
            user = str(inputs["runAsDefaultUser"])
        profile = (inputs.get("shellProfile") or {}).get("linux") or ""
        return ExecBridge(
            engine,
            container_id,
            session_id,
            ["sh"],
            True,
            output,
            ended,
            user=user,
            first_input=f"{profile}\n" if profile else "",
        )
    tty = plan.session_type == session_parameters.INTERACTIVE_COMMANDS
    return ExecBridge(
        engine, container_id, session_id, ["sh", "-c", plan.command], tty, output, ended
    )


def _true(value) -> bool:
    return value is True or str(value).lower() == "true"
