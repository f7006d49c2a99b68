"""`make bench`: Run Command against the Docker engine it stands on.

Starts a real LocalStack with the extension (and one without it, for the idle baseline), runs
each scenario with both sides interleaved, prints a table of medians with the ratio ours/floor
and writes the results as JSON (bench-results/latest.json) with the machine they ran on.
"""

import argparse
import json
import os
import platform
import tempfile
from pathlib import Path

from benchmarks import scenarios, sessions
from harness.localstack_process import LocalStack

AMI_ID = os.environ.get("AMI_ID", "ami-0b5b0b5b0b5b0b5b0")
AMI_IMAGE = os.environ.get("AMI_IMAGE", f"localstack-ec2/busybox:{AMI_ID}")


def run(args: argparse.Namespace) -> dict:
    results: dict = {"ratios": [], "throughput": None, "idle": {}, "store_growth": None}
    with tempfile.TemporaryDirectory() as workdir:
        localstack = LocalStack(Path(workdir) / "with")
        try:
            ratios = results["ratios"]
            ratios.append(scenarios.single_round_trip(localstack, AMI_ID, args.rounds))
            ratios.append(scenarios.fan_out(localstack, AMI_ID, args.fan_out, args.fan_out_rounds))
            ratios += scenarios.launch_to_online(
                localstack, AMI_ID, AMI_IMAGE, args.launch, args.launch_rounds
            )
            results["throughput"] = scenarios.throughput(
                localstack, AMI_ID, args.throughput_instances, args.clients, args.seconds
            )
            ratios.append(sessions.prompt_time(localstack, AMI_ID, args.session_rounds))
            results["session_server_prompt_ms"] = sessions.server_prompt_time(
                localstack, AMI_ID, args.rounds
            )
            forwarding = sessions.port_forwarding(
                localstack, AMI_ID, args.forward_megabytes, args.rounds
            )
            ratios.append(forwarding["latency"])
            results["port_forwarding"] = forwarding["throughput"]
            results["store_growth"] = scenarios.store_growth(
                localstack, AMI_ID, args.commands, args.rounds
            )
            results["idle"][f"with extension, {args.idle_instances} idle instances"] = (
                scenarios.idle_cost(localstack, AMI_ID, args.idle_instances, args.idle_seconds)
            )
        finally:
            localstack.stop()
        baseline = LocalStack(
            Path(workdir) / "without",
            env={"PROVIDER_OVERRIDE_EC2": "default", "PROVIDER_OVERRIDE_SSM": "default"},
        )
        try:
            baseline.client("ec2").describe_instances()
            baseline.client("ssm").describe_parameters()
            results["idle"]["without extension"] = scenarios.idle_cost(
                baseline, None, 0, args.idle_seconds
            )
        finally:
            baseline.stop()
    return results


def print_table(results: dict, machine: dict) -> None:
    print(f"machine: {machine['cores']} cores, {machine['platform']}")
    print(f"{'benchmark':<30} {'n':>5} {'ours ms':>9} {'floor ms':>9} {'ratio':>6}")
    for r in results["ratios"]:
        print(
            f"{r['name']:<30} {r['samples']:>5} {r['ours_median_ms']:>9} "
            f"{r['floor_median_ms']:>9} {r['ratio']:>6}"
        )
    t = results["throughput"]
    print(
        f"{t['name']}: {t['commands_per_s']} commands/s over {t['samples']} commands, "
        f"p50 {t['p50_ms']} ms, p99 {t['p99_ms']} ms"
    )
    if "session_server_prompt_ms" in results:
        print(
            f"StartSession to prompt without the CLI's start-up: "
            f"{results['session_server_prompt_ms']} ms"
        )
    if forwarding := results.get("port_forwarding"):
        print(
            f"{forwarding['name']}: {forwarding['ours_mb_s']} MB/s through one session, "
            f"{forwarding['direct_mb_s']} MB/s direct (x{forwarding['ratio']})"
        )
    for name, g in results["store_growth"].items():
        print(
            f"{name}: {g['floor_median_ms']} ms with 60 commands, "
            f"{g['ours_median_ms']} ms with {results['commands']} more (x{g['ratio']})"
        )
    for name, idle in results["idle"].items():
        print(f"idle, {name}: {idle['cpu_percent']}% CPU, {idle['rss_mb']} MB RSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--fan-out", type=int, default=50)
    parser.add_argument("--fan-out-rounds", type=int, default=5)
    parser.add_argument("--launch", type=int, default=20)
    parser.add_argument("--launch-rounds", type=int, default=3)
    parser.add_argument("--throughput-instances", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--commands", type=int, default=10_000)
    parser.add_argument("--idle-instances", type=int, default=50)
    parser.add_argument("--idle-seconds", type=float, default=30)
    parser.add_argument("--session-rounds", type=int, default=5)
    parser.add_argument("--forward-megabytes", type=int, default=16)
    parser.add_argument("--output", default="bench-results/latest.json")
    args = parser.parse_args()
    results = run(args)
    results["commands"] = args.commands
    machine = {"cores": os.cpu_count(), "platform": platform.platform()}
    print_table(results, machine)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"machine": machine, **results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
