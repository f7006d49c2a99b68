"""User data at first boot, and tags that count at once."""

from tests.integration.helpers import finished, poll, run_command

LOG = "/var/log/cloud-init-output.log"


def log_of(docker_client, instance_id: str) -> str:
    container = docker_client.containers.get(f"localstack-ec2.{instance_id}")
    result = container.exec_run(["cat", LOG])
    return result.output.decode() if result.exit_code == 0 else ""


def test_user_data_runs_once_at_first_boot(ec2, ssm, launch, docker_client):
    script = "#!/bin/sh\necho booting $(hostname)\ntouch /root/provisioned\nsleep 2\necho done\n"
    (instance_id,) = launch(UserData=script)
    listed = ssm.describe_instance_information(
        Filters=[{"Key": "InstanceIds", "Values": [instance_id]}]
    )["InstanceInformationList"]
    assert listed[0]["PingStatus"] == "Online"  # registration does not wait for user data
    log = poll(lambda: log_of(docker_client, instance_id), lambda text: "done" in text)
    assert log == f"booting {instance_id}.us-east-1.compute.internal\ndone\n"
    command_id = run_command(ssm, instance_id, ["ls /root/provisioned"])
    assert finished(ssm, command_id, instance_id)["Status"] == "Success"
    ec2.stop_instances(InstanceIds=[instance_id])
    ec2.start_instances(InstanceIds=[instance_id])
    command_id = run_command(ssm, instance_id, [f"cat {LOG}"])
    assert finished(ssm, command_id, instance_id)["StandardOutputContent"] == log


def test_user_data_without_shebang_and_failing_scripts_show_in_the_log(launch, docker_client):
    (instance_id,) = launch(UserData="echo plain script\nexit 3\n")
    poll(lambda: log_of(docker_client, instance_id), lambda text: "plain script" in text)
    (failing,) = launch(UserData="#!/bin/sh\nls /no/such/dir\n")
    log = poll(lambda: log_of(docker_client, failing), lambda text: "/no/such/dir" in text)
    assert "No such file or directory" in log


def test_mime_multipart_user_data_runs_its_shell_part(launch, docker_client):
    archive = (
        'Content-Type: multipart/mixed; boundary="XYZ"\n'
        "MIME-Version: 1.0\n\n"
        "--XYZ\n"
        "Content-Type: text/cloud-config\n\n"
        "runcmd: [echo ignored]\n\n"
        "--XYZ\n"
        "Content-Type: text/x-shellscript\n\n"
        "#!/bin/sh\necho from the shell part\n\n"
        "--XYZ--\n"
    )
    (instance_id,) = launch(UserData=archive)
    log = poll(lambda: log_of(docker_client, instance_id), lambda text: "shell part" in text)
    assert "ignored" not in log


def test_tags_count_at_once_in_filters_and_targets(ec2, ssm, launch):
    (instance_id,) = launch()
    ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "stage", "Value": "blue"}])
    by_tag = [
        {"Key": "InstanceIds", "Values": [instance_id]},
        {"Key": "tag:stage", "Values": ["blue"]},
    ]

    def listed() -> list[str]:
        found = ssm.describe_instance_information(Filters=by_tag)["InstanceInformationList"]
        return [i["InstanceId"] for i in found]

    def targeted() -> list[str]:
        command_id = ssm.send_command(
            Targets=[{"Key": "tag:stage", "Values": ["blue"]}],
            DocumentName="AWS-RunShellScript",
            Parameters={"commands": ["true"]},
        )["Command"]["CommandId"]
        invocations = ssm.list_command_invocations(CommandId=command_id)["CommandInvocations"]
        return [i["InstanceId"] for i in invocations]

    assert listed() == [instance_id]
    assert instance_id in targeted()
    ec2.delete_tags(Resources=[instance_id], Tags=[{"Key": "stage"}])
    assert listed() == []
    assert instance_id not in targeted()
