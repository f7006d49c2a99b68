"""`make bench`: Run Command against raw `docker exec`, interleaved so machine noise hits both.

Starts a real LocalStack with the extension, prints a table of medians with the ratio ours/floor
and writes the results as JSON (bench-results/latest.json) with the machine they ran on.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tests.integration.localstack_process import LocalStack

AMI_ID = os.environ.get("AMI_ID", "ami-0b5b0b5b0b5b0b5b0")
SCRIPT = "echo hello"
POLL_INTERVAL = 0.005
TERMINAL = {"Success", "Failed", "TimedOut", "Cancelled"}


def ours_round_trip(ssm, instance_id: str) -> float:
    """SendCommand until GetCommandInvocation reports the end, in seconds."""
    start = time.perf_counter()
    command_id = ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": [SCRIPT]},
    )["Command"]["CommandId"]
    while True:
        result = ssm.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
        if result["Status"] in TERMINAL:
            break
        time.sleep(POLL_INTERVAL)
    elapsed = time.perf_counter() - start
    if result["Status"] != "Success" or result["StandardOutputContent"] != "hello\n":
        raise RuntimeError(f"unexpected result: {result}")
    return elapsed


def raw_exec(container: str) -> float:
    """`docker exec` of the same script in the same container, in seconds."""
    start = time.perf_counter()
    done = subprocess.run(
        ["docker", "exec", container, "sh", "-c", SCRIPT], capture_output=True, check=True
    )
    elapsed = time.perf_counter() - start
    if done.stdout != b"hello\n":
        raise RuntimeError(f"unexpected output: {done.stdout!r}")
    return elapsed


def single_round_trip(localstack: LocalStack, rounds: int) -> dict:
    ec2, ssm = localstack.client("ec2"), localstack.client("ssm")
    instance_id = ec2.run_instances(ImageId=AMI_ID, MinCount=1, MaxCount=1)["Instances"][0][
        "InstanceId"
    ]
    container = f"localstack-ec2.{instance_id}"
    try:
        ours_round_trip(ssm, instance_id)  # warm up both paths
        raw_exec(container)
        ours, floor = [], []
        for _ in range(rounds):
            ours.append(ours_round_trip(ssm, instance_id))
            floor.append(raw_exec(container))
    finally:
        ec2.terminate_instances(InstanceIds=[instance_id])
    return _row("single round trip", ours, floor)


def _row(name: str, ours: list[float], floor: list[float]) -> dict:
    ours_median, floor_median = statistics.median(ours), statistics.median(floor)
    return {
        "name": name,
        "samples": len(ours),
        "ours_median_ms": round(ours_median * 1000, 1),
        "floor_median_ms": round(floor_median * 1000, 1),
        "ratio": round(ours_median / floor_median, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--output", default="bench-results/latest.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        localstack = LocalStack(Path(workdir))
        try:
            rows = [single_round_trip(localstack, args.rounds)]
        finally:
            localstack.stop()
    machine = {"cores": os.cpu_count(), "platform": platform.platform()}
    print(f"machine: {machine['cores']} cores, {machine['platform']}")
    print(f"{'benchmark':<22} {'n':>4} {'ours ms':>9} {'floor ms':>9} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['name']:<22} {row['samples']:>4} {row['ours_median_ms']:>9} "
            f"{row['floor_median_ms']:>9} {row['ratio']:>6}"
        )
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"machine": machine, "results": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
