"""The one SessionManager of this LocalStack process, shared by the SSM API (which starts
sessions) and the WebSocket endpoint (which the client dials), built on first use."""

import functools

from localstack_ssm_docker.ssm.sessions.manager import SessionManager


@functools.cache
def session_manager() -> SessionManager:
    from localstack_ssm_docker import wiring

    return SessionManager(wiring.docker_engine())
