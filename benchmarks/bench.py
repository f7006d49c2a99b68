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

from benchmarks import (
    ansible,
    automation,
    automation_script,
    boot_hook,
    images,
    packer,
    resolver,
    scenarios,
    scenarios_asg,
    sessions,
)
from benchmarks.breakdown import breakdown
from benchmarks.cold_start import cold_start, print_cold_start
from benchmarks.idle import idle_comparison
from harness.localstack_process import LocalStack

AMI_ID = os.environ.get("AMI_ID", "ami-0b5b0b5b0b5b0b5b0")
AMI_IMAGE = os.environ.get("AMI_IMAGE", f"localstack-ec2/busybox:{AMI_ID}")


SCENARIOS = (
    "cold",
    "breakdown",
    "round",
    "fanout",
    "launch",
    "sessions",
    "throughput",
    "store",
    "idle",
    "images",
    "boot-hook",
    "packer",
    "asg",
    "automation",
    "automation-script",
    "resolver",
    "ansible",
)


def run(args: argparse.Namespace) -> dict:
    chosen = set(args.only.split(",")) if args.only else set(SCENARIOS)
    results: dict = {"ratios": [], "throughput": None, "idle": {}, "store_growth": None}
    with tempfile.TemporaryDirectory() as workdir:
        if "cold" in chosen:
            results["cold_start"] = cold_start(Path(workdir), AMI_ID, args.cold_starts)
        localstack = LocalStack(Path(workdir) / "with", env=dict(args.env))
        try:
            if "breakdown" in chosen:
                results["breakdown"] = breakdown(localstack, AMI_ID, args.rounds)
            ratios = results["ratios"]
            if "round" in chosen:
                ratios.append(scenarios.single_round_trip(localstack, AMI_ID, args.rounds))
            if "fanout" in chosen:
                ratios.append(
                    scenarios.fan_out(localstack, AMI_ID, args.fan_out, args.fan_out_rounds)
                )
            if "launch" in chosen:
                ratios += scenarios.launch_to_online(
                    localstack, AMI_ID, AMI_IMAGE, args.launch, args.launch_rounds
                )
            if "sessions" in chosen:
                ratios.append(sessions.prompt_time(localstack, AMI_ID, args.session_rounds))
                results["session_server_prompt_ms"] = sessions.server_prompt_time(
                    localstack, AMI_ID, args.rounds
                )
                forwarding = sessions.port_forwarding(
                    localstack, AMI_ID, args.forward_megabytes, args.rounds
                )
                ratios.append(forwarding["latency"])
                results["port_forwarding"] = forwarding["throughput"]
                results["port_forwarding_upload"] = forwarding["upload"]
            if "asg" in chosen:
                ratios += scenarios_asg.group_to_online(
                    localstack, AMI_ID, AMI_IMAGE, args.launch, args.launch_rounds
                )
            if "images" in chosen:
                ratios.append(images.capture_to_available(localstack, AMI_ID, args.image_rounds))
            if "boot-hook" in chosen:
                ratios += boot_hook.debian_boot(localstack, args.boot_rounds)
            if "packer" in chosen:
                ratios.append(packer.packer_build(localstack, args.packer_rounds))
            if "automation" in chosen:
                ratios.append(automation.control_steps(localstack, args.rounds))
                results["automation_rate_control"] = automation.rate_control(localstack)
            if "automation-script" in chosen:
                ratios.append(automation_script.script_step(localstack, args.script_rounds))
            if "resolver" in chosen:
                ratios += resolver.name_lookups(localstack, args.lookups, args.lookup_rounds)
            if "ansible" in chosen:
                ratios += ansible.playbook_runs(Path(workdir), args.ansible_rounds)
            if "throughput" in chosen:
                results["throughput"] = scenarios.throughput(
                    localstack, AMI_ID, args.throughput_instances, args.clients, args.seconds
                )
            if "store" in chosen:
                results["store_growth"] = scenarios.store_growth(
                    localstack, AMI_ID, args.commands, args.rounds
                )
            if "idle" in chosen:
                results["idle"] = idle_comparison(
                    localstack, Path(workdir), AMI_ID, args.idle_instances, args.idle_seconds
                )
        finally:
            localstack.stop()
    return results


def print_table(results: dict, machine: dict) -> None:
    print(f"machine: {machine['cores']} cores, {machine['platform']}")
    print(f"settings of the LocalStack under test: {results.get('env') or 'defaults'}")
    print("floor: the Engine API (warm docker-py exec) for commands, `docker run` for launches;")
    print("cli: `docker exec` (a second floor for commands)")
    header = f"{'benchmark':<30} {'n':>5} {'ours ms':>9} {'floor ms':>9} {'ratio':>6}"
    print(f"{header} {'cli ms':>9} {'vs cli':>6}")
    for r in results["ratios"]:
        print(
            f"{r['name']:<30} {r['samples']:>5} {r['ours_median_ms']:>9} "
            f"{r['floor_median_ms']:>9} {r['ratio']:>6} "
            f"{r.get('cli_median_ms', ''):>9} {r.get('cli_ratio', ''):>6}"
        )
        for part, ms in r.get("breakdown_ms", {}).items():
            print(f"  {part:<34} {ms:>7} ms")
    for r in results["ratios"]:
        if first := r.get("first_command"):
            print(
                f"first command on a new instance: {first['first_command_ms']} ms, its tenth "
                f"{first['tenth_command_ms']} ms (x{first['first_vs_tenth']}, medians of "
                f"{first['new_instances']} instances)"
            )
    if b := results.get("breakdown"):
        _print_breakdown(b)
    print_cold_start(results.get("cold_start", {}))
    if t := results["throughput"]:
        print(
            f"{t['name']}: {t['commands_per_s']} commands/s over {t['samples']} commands, "
            f"p50 {t['p50_ms']} ms, p99 {t['p99_ms']} ms (SendCommand {t['send_median_ms']} ms, "
            f"{t['polls_per_command']} polls of {t['poll_median_ms']} ms); LocalStack "
            f"{t['localstack_cpu_ms_per_command']} ms CPU per command "
            f"({t['localstack_cpu_percent']}%), RSS {t['rss_before_mb']} -> {t['rss_after_mb']} MB"
        )
        for f in (t["idle_floor"], t["loaded_floor"]):
            print(
                f"  {f['name']}: {f['ours_median_ms']} ms vs {f['floor_median_ms']} ms "
                f"(x{f['ratio']}, n {f['samples']})"
            )
    if "session_server_prompt_ms" in results:
        print(
            f"StartSession to prompt without the CLI's start-up: "
            f"{results['session_server_prompt_ms']} ms"
        )
    for key in ("port_forwarding", "port_forwarding_upload"):
        if not (forwarding := results.get(key)):
            continue
        print(
            f"{forwarding['name']}: {forwarding['ours_mb_s']} MB/s through one session, "
            f"{forwarding['direct_mb_s']} MB/s direct (x{forwarding['ratio']})"
        )
    for name, g in (results["store_growth"] or {}).items():
        print(
            f"{name}: {g['floor_median_ms']} ms with 60 commands, "
            f"{g['ours_median_ms']} ms with {results['commands']} more (x{g['ratio']})"
        )
    for name, idle in results["idle"].items():
        print(
            f"idle, {name}: {idle['cpu_percent']}% CPU (windows {idle['cpu_percent_windows']}, "
            f"settled after {idle['settled_after_s']} s), {idle['rss_mb']} MB RSS"
        )
        if helpers := idle.get("helpers"):
            print(f"  resident helpers in those instances: {helpers}")


def _print_breakdown(b: dict) -> None:
    print(f"breakdown of one round trip (medians of {b['rounds']}, ms):")
    for part, ms in b["ours_ms"].items():
        print(f"  ours   {part:<34} {ms:>7}")
    print(f"  one GetCommandInvocation {'':<16} {b['get_command_invocation_ms']:>7}")
    for part, ms in b["engine_api_floor_ms"].items():
        print(f"  floor  {part:<34} {ms:>7}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--fan-out", type=int, default=20)
    parser.add_argument("--fan-out-rounds", type=int, default=5)
    parser.add_argument("--launch", type=int, default=20)
    parser.add_argument("--launch-rounds", type=int, default=3)
    parser.add_argument("--throughput-instances", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--commands", type=int, default=10_000)
    parser.add_argument("--idle-instances", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=30)
    parser.add_argument("--session-rounds", type=int, default=5)
    parser.add_argument("--forward-megabytes", type=int, default=64)
    parser.add_argument("--cold-starts", type=int, default=5)
    parser.add_argument("--image-rounds", type=int, default=15)
    parser.add_argument("--boot-rounds", type=int, default=10)
    parser.add_argument("--packer-rounds", type=int, default=3)
    parser.add_argument("--script-rounds", type=int, default=15)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--lookup-rounds", type=int, default=5)
    parser.add_argument("--ansible-rounds", type=int, default=3)
    parser.add_argument("--only", default="", help=f"comma-separated subset of {SCENARIOS}")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        type=lambda pair: tuple(pair.split("=", 1)),
        help="KEY=VALUE for the LocalStack under test (e.g. SSM_DOCKER_RESIDENT_HELPER=1)",
    )
    parser.add_argument("--output", default="bench-results/latest.json")
    args = parser.parse_args()
    results = run(args)
    results["commands"] = args.commands
    results["env"] = dict(args.env)
    machine = {"cores": os.cpu_count(), "platform": platform.platform()}
    print_table(results, machine)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"machine": machine, **results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
