"""The stderr texts of invocations the emulator, not the script, ended."""

import pytest

from localstack_ssm_docker.engine.errors import (
    ContainerRestarted,
    ContainerStopped,
    EngineError,
    EngineNotAnswering,
)
from localstack_ssm_docker.ssm.run.messages import interruption


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (ContainerRestarted("x"), "The instance rebooted while the command was running."),
        (
            ContainerStopped("exited 1"),
            "The instance's container stopped while the command was running (exited 1).",
        ),
        (
            EngineNotAnswering("no socket"),
            "The Docker engine became unavailable while the command was running (no socket).",
        ),
        (EngineError("odd"), "The instance's container could not run the command: odd"),
    ],
)
def test_interruption_says_what_ended_the_command(error, text):
    assert interruption(error) == text
