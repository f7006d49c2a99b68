"""End to end with Terraform 1.11 and hashicorp/aws 5.100.0 from a filesystem mirror found on
this machine at run time (tests reach no registry): examples/terraform applies against a real
LocalStack, the association has run on every target when apply returns, a plan shows no drift,
a second apply with one more tagged instance runs the association there, and destroy leaves no
container and no association. An instance launched from an `aws_launch_template` gets the
template's parameters with its own winning, and Terraform reads its launch template back. An
`aws_autoscaling_group` from an `aws_launch_template` reaches its capacity before apply returns,
scales with `desired_capacity`, rolls a new template version out with `instance_refresh`, and
destroy drains and deletes it. An `aws_ssm_document` of type Automation is a runbook that runs;
a malformed one fails apply with InvalidDocumentContent's message and the stored one stays.
"""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import docker
import pytest

from tests.integration.helpers import automation_finished, poll

EXAMPLE = Path(__file__).parents[2] / "examples" / "terraform"
LAUNCH_TEMPLATE = Path(__file__).parent / "terraform_launch_template"
AUTOSCALING = Path(__file__).parent / "terraform_autoscaling"
RUNBOOK = Path(__file__).parent / "terraform_runbook"
SHARED = Path(__file__).parent / "terraform_shared"
PROVIDER_GLOB = "terraform-provider-aws_*"
SEARCH_ROOTS = ("/opt", "/usr/local", "/usr/share", "/usr/lib", str(Path.home()), "/srv", "/var")
ACCOUNT = "320000000001"


def _mirror() -> Path:
    """The filesystem mirror holding hashicorp/aws (the folder above registry.terraform.io):
    TF_PROVIDER_MIRROR, or one found up to three folders deep under the usual roots."""
    if named := os.environ.get("TF_PROVIDER_MIRROR"):
        return Path(named)
    tail = f"registry.terraform.io/hashicorp/aws/*/*/{PROVIDER_GLOB}"
    for root in SEARCH_ROOTS:
        for depth in range(4):
            for found in Path(root).glob("*/" * depth + tail):
                return found.parents[5]
    raise AssertionError(
        "no hashicorp/aws provider in a filesystem mirror here: set TF_PROVIDER_MIRROR"
    )


def _cli_config(mirror: Path) -> str:
    """Provider installation from the mirror only, for hashicorp's providers."""
    return (
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
        '    include = ["registry.terraform.io/hashicorp/*"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n'
    )


def _terraform_in(tmp_path_factory, configuration: Path):
    """`terraform <args>` in a copy of `configuration`, initialised from the mirror; the test
    configurations get the shared provider (the example brings its own, as a user's would)."""
    binary = shutil.which("terraform")
    assert binary, "terraform is not on PATH"
    work = tmp_path_factory.mktemp("terraform")
    sources = list(configuration.glob("*.tf"))
    if configuration != EXAMPLE:
        sources += SHARED.glob("*.tf")
    for source in sources:
        shutil.copy(source, work / source.name)
    config = work / "cli.tfrc"
    config.write_text(_cli_config(_mirror()))
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
    }

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [binary, *args], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )
        if check and done.returncode != 0:
            raise AssertionError(f"terraform {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done

    run("init", "-input=false", "-no-color")
    return run


@pytest.fixture(scope="module")
def terraform(tmp_path_factory):
    return _terraform_in(tmp_path_factory, EXAMPLE)


def _outputs(terraform) -> dict:
    import json

    raw = json.loads(terraform("output", "-json", "-no-color").stdout)
    return {k: v["value"] for k, v in raw.items()}


def test_terraform_applies_state_manager_for_real(terraform, localstack):
    ssm = localstack.client("ssm", account=ACCOUNT)
    s3 = localstack.client("s3", account=ACCOUNT)
    bucket = f"tf-state-manager-{uuid.uuid4().hex[:8]}"
    variables = [
        f"-var=endpoint={localstack.endpoint}",
        f"-var=access_key={ACCOUNT}",
        f"-var=output_bucket={bucket}",
    ]
    terraform("apply", "-auto-approve", "-input=false", "-no-color", *variables)
    outputs = _outputs(terraform)
    association_id, instances = outputs["association_id"], outputs["instance_ids"]
    assert len(instances) == 2

    # wait_for_success_timeout_seconds: apply returned once the association had succeeded
    described = ssm.describe_association(AssociationId=association_id)["AssociationDescription"]
    assert described["Overview"]["Status"] == "Success"
    assert described["Overview"]["AssociationStatusAggregatedCount"] == {"Success": 2}
    [execution] = ssm.describe_association_executions(AssociationId=association_id)[
        "AssociationExecutions"
    ]
    targets = ssm.describe_association_execution_targets(
        AssociationId=association_id, ExecutionId=execution["ExecutionId"]
    )["AssociationExecutionTargets"]
    assert sorted(t["ResourceId"] for t in targets) == sorted(instances)
    command_id = targets[0]["OutputSource"]["OutputSourceId"]
    invocation = ssm.get_command_invocation(
        CommandId=command_id, InstanceId=targets[0]["ResourceId"]
    )
    assert invocation["StandardOutputContent"].startswith(f"configured {targets[0]['ResourceId']}")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert all(k.startswith(f"associations/{command_id}/") for k in keys) and len(keys) == 2

    plan = terraform(
        "plan", "-detailed-exitcode", "-input=false", "-no-color", *variables, check=False
    )
    assert plan.returncode == 0, plan.stdout + plan.stderr  # no drift

    terraform(
        "apply", "-auto-approve", "-input=false", "-no-color", *variables, "-var=web_instances=3"
    )
    grown = _outputs(terraform)["instance_ids"]
    [added] = set(grown) - set(instances)
    poll(
        lambda: ssm.describe_association(AssociationId=association_id)["AssociationDescription"][
            "Overview"
        ],
        lambda o: o.get("AssociationStatusAggregatedCount") == {"Success": 3},
    )
    statuses = ssm.describe_instance_associations_status(InstanceId=added)[
        "InstanceAssociationStatusInfos"
    ]
    assert [(s["AssociationId"], s["Status"]) for s in statuses] == [(association_id, "Success")]

    terraform(
        "destroy", "-auto-approve", "-input=false", "-no-color", *variables, "-var=web_instances=3"
    )
    assert ssm.list_associations()["Associations"] == []
    names = {c.name for c in docker.from_env().containers.list(all=True)}
    assert not {f"localstack-ec2.{i}" for i in grown} & names


def test_terraform_launches_an_instance_from_a_launch_template(tmp_path_factory, localstack):
    terraform = _terraform_in(tmp_path_factory, LAUNCH_TEMPLATE)
    account = "320000000002"
    ec2 = localstack.client("ec2", account=account)
    variables = [f"-var=endpoint={localstack.endpoint}", f"-var=access_key={account}"]
    terraform("apply", "-auto-approve", "-input=false", "-no-color", *variables)
    outputs = _outputs(terraform)
    instance_id, template_id = outputs["instance_id"], outputs["template_id"]
    assert outputs["template_version"] == "$Latest"
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert (instance["ImageId"], instance["InstanceType"]) == ("ami-0b5b0b5b0b5b0b5b0", "t3.small")
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    assert {t["Key"]: t["Value"] for t in instance["Tags"]} == {
        "Name": "tf-web",
        "Team": "web",
        "aws:ec2launchtemplate:id": template_id,
        "aws:ec2launchtemplate:version": "1",
    }
    container = docker.from_env().containers.get(f"localstack-ec2.{instance_id}")
    poll(
        lambda: container.exec_run(["cat", "/var/log/cloud-init-output.log"]).output.decode(),
        lambda log: log == "provisioned by terraform\n",
    )
    plan = terraform(
        "plan", "-detailed-exitcode", "-input=false", "-no-color", *variables, check=False
    )
    # the launch template read back (from the instance's aws:ec2launchtemplate tags) matches: no
    # replacement. The in-place changes are the provider's own with a template, as on AWS: the
    # template's tags, and user_data's hash hashed again (hashicorp/terraform-provider-aws#30825)
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in plan.stdout, plan.stdout

    terraform("destroy", "-auto-approve", "-input=false", "-no-color", *variables)
    assert ec2.describe_launch_templates()["LaunchTemplates"] == []
    names = {c.name for c in docker.from_env().containers.list(all=True)}
    assert f"localstack-ec2.{instance_id}" not in names


def _members(autoscaling, name: str) -> list[dict]:
    groups = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return groups["AutoScalingGroups"][0]["Instances"] if groups["AutoScalingGroups"] else []


def test_terraform_scales_and_refreshes_an_auto_scaling_group(tmp_path_factory, localstack):
    terraform = _terraform_in(tmp_path_factory, AUTOSCALING)
    account = "320000000003"
    autoscaling = localstack.client("autoscaling", account=account)
    ec2 = localstack.client("ec2", account=account)
    variables = [f"-var=endpoint={localstack.endpoint}", f"-var=access_key={account}"]
    seen: set[str] = set()

    def members() -> list[dict]:
        found = _members(autoscaling, "tf-asg-web")
        seen.update(m["InstanceId"] for m in found)
        return found

    terraform("apply", "-auto-approve", "-input=false", "-no-color", *variables)
    # wait_for_capacity_timeout: apply returned with the desired capacity InService
    first = members()
    assert [(m["LifecycleState"], m["HealthStatus"]) for m in first] == [
        ("InService", "Healthy")
    ] * 2
    reservations = ec2.describe_instances(InstanceIds=[m["InstanceId"] for m in first])
    instances = [i for r in reservations["Reservations"] for i in r["Instances"]]
    assert {i["InstanceType"] for i in instances} == {"t3.micro"}
    assert all({"Key": "team", "Value": "web"} in i["Tags"] for i in instances)
    plan = terraform(
        "plan", "-detailed-exitcode", "-input=false", "-no-color", *variables, check=False
    )
    assert plan.returncode == 0, plan.stdout + plan.stderr  # no drift

    terraform("apply", "-auto-approve", "-input=false", "-no-color", *variables, "-var=desired=3")
    assert [m["LifecycleState"] for m in members()] == ["InService"] * 3

    retagged = [*variables, "-var=desired=3", "-var=team=api"]
    terraform("apply", "-auto-approve", "-input=false", "-no-color", *retagged)
    tags = autoscaling.describe_tags(
        Filters=[{"Name": "auto-scaling-group", "Values": ["tf-asg-web"]}]
    )["Tags"]
    assert [(t["Key"], t["Value"], t["PropagateAtLaunch"]) for t in tags] == [("team", "api", True)]
    plan = terraform(
        "plan", "-detailed-exitcode", "-input=false", "-no-color", *retagged, check=False
    )
    assert plan.returncode == 0, plan.stdout + plan.stderr  # the tag change applied

    bigger = [*retagged, "-var=instance_type=t3.small"]
    terraform("apply", "-auto-approve", "-input=false", "-no-color", *bigger)
    refreshes = poll(
        lambda: autoscaling.describe_instance_refreshes(AutoScalingGroupName="tf-asg-web")[
            "InstanceRefreshes"
        ],
        lambda found: bool(found) and found[0]["Status"] == "Successful",
        300,
    )
    assert refreshes[0]["PercentageComplete"] == 100
    refreshed = poll(members, lambda found: len(found) == 3)
    assert not {m["InstanceId"] for m in first} & {m["InstanceId"] for m in refreshed}
    assert {m["LaunchTemplate"]["Version"] for m in refreshed} == {"2"}
    reservations = ec2.describe_instances(InstanceIds=[m["InstanceId"] for m in refreshed])
    types = {i["InstanceType"] for r in reservations["Reservations"] for i in r["Instances"]}
    assert types == {"t3.small"}
    assert all(  # launched after the tag changed: they carry its new value
        {"Key": "team", "Value": "api"} in i["Tags"]
        for r in reservations["Reservations"]
        for i in r["Instances"]
    )

    terraform("destroy", "-auto-approve", "-input=false", "-no-color", *bigger)
    assert autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"] == []
    names = {c.name for c in docker.from_env().containers.list(all=True)}
    assert not {f"localstack-ec2.{i}" for i in seen} & names


def test_terraform_creates_an_automation_runbook_and_refuses_a_malformed_one(
    tmp_path_factory, localstack
):
    terraform = _terraform_in(tmp_path_factory, RUNBOOK)
    ssm = localstack.client("ssm", account=ACCOUNT)
    name = f"tf-runbook-{uuid.uuid4().hex[:8]}"
    variables = [
        f"-var=endpoint={localstack.endpoint}",
        f"-var=access_key={ACCOUNT}",
        f"-var=name={name}",
    ]
    terraform("apply", "-auto-approve", "-input=false", "-no-color", *variables)
    assert ssm.describe_document(Name=name)["Document"]["DocumentType"] == "Automation"
    execution_id = ssm.start_automation_execution(DocumentName=name)["AutomationExecutionId"]
    execution = automation_finished(ssm, execution_id)
    assert execution["AutomationExecutionStatus"] == "Success"
    assert execution["Outputs"]["whoami.Account"] == [ACCOUNT]

    refused = terraform(
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        *variables,
        "-var=action=aws:noSuchAction",
        check=False,
    )
    assert refused.returncode != 0
    message = " ".join(refused.stderr.split())
    assert "InvalidDocumentContent" in message
    assert "Step whoami has an unknown action aws:noSuchAction." in message
    # the stored runbook is the one that was valid
    assert ssm.describe_document(Name=name)["Document"]["LatestVersion"] == "1"

    terraform("destroy", "-auto-approve", "-input=false", "-no-color", *variables)
    assert name not in {
        d["Name"]
        for d in ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])[
            "DocumentIdentifiers"
        ]
    }
