"""LocalStack's own EC2 tests (``localstack/``: tests/aws/services/ec2 and the CloudFormation EC2
resource tests, see its README) pass against LocalStack with this extension wherever they pass
against plain LocalStack 2026.3.0: the same tests, run by the same pytest process type, against
each LocalStack in turn, compared test by test (harness/parity.py)."""

import os
import subprocess
import sys
from pathlib import Path

from harness.localstack_process import LocalStack
from harness.parity import Comparison, Outcome, Result, read_junit

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(__file__).parent / "localstack"
SUITE_PATHS = ["tests/aws/services/ec2", "tests/aws/services/cloudformation/resources/test_ec2.py"]
PLAIN_PYTHON = os.path.abspath(
    os.environ.get("PLAIN_LOCALSTACK_PYTHON", ROOT / ".venv-plain/bin/python")
)
"""LocalStack 2026.3.0 without this package (`make plain-localstack` installs it); absolute but
not resolved (the venv's python is a link out of the venv)."""
SUITE_DEADLINE = 600


def run_suite(localstack: LocalStack, report: Path) -> dict[str, Result]:
    """LocalStack's tests against `localstack`, as its CI runs them against a running LocalStack
    (TEST_SKIP_LOCALSTACK_START); the tests that must share LocalStack's process are left out
    (LocalStack's `requires_in_process` marker)."""
    env = {
        **os.environ,
        "TEST_SKIP_LOCALSTACK_START": "1",
        "TEST_AWS_ENDPOINT_URL": localstack.endpoint,
        "LOCALSTACK_HOST": f"localhost.localstack.cloud:{localstack.port}",
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-m",
            "not requires_in_process",
            "--timeout=120",
            f"--junitxml={report}",
            *SUITE_PATHS,
        ],
        cwd=SUITE,
        env=env,
        timeout=SUITE_DEADLINE,
        check=False,
    )
    return read_junit(report)


def test_extension_passes_every_localstack_ec2_test_plain_localstack_passes(tmp_path):
    assert Path(PLAIN_PYTHON).exists(), (
        f"{PLAIN_PYTHON} is missing: `make plain-localstack` installs plain LocalStack"
    )
    results = {}
    sides = (("plain", PLAIN_PYTHON, "ec2:default"), ("ours", sys.executable, "ec2:docker"))
    for side, python, ec2_provider in sides:
        # outside the checkout: plain LocalStack must not find our entry points there
        localstack = LocalStack(tmp_path / side, python=python, cwd=tmp_path)
        try:
            results[side] = run_suite(localstack, tmp_path / f"{side}.xml")
            assert ec2_provider in localstack.loaded_providers(), f"{side}: not {ec2_provider}"
        finally:
            localstack.stop()
    comparison = Comparison(plain=results["plain"], ours=results["ours"])
    print(comparison.report())
    passed_plain = [r for r in results["plain"].values() if r.outcome is Outcome.PASSED]
    assert passed_plain, f"plain LocalStack passed nothing:\n{comparison.report()}"
    assert not comparison.regressions, comparison.report()
