"""DescribeInstanceInformation: every running Docker-backed instance, as SSM reports it."""

import pytest
from botocore.exceptions import ClientError

from localstack_ssm_docker import __version__


def info_of(ssm, instance_ids: list[str], **kwargs) -> dict[str, dict]:
    filters = [{"Key": "InstanceIds", "Values": instance_ids}]
    listed = ssm.describe_instance_information(Filters=filters, **kwargs)
    return {i["InstanceId"]: i for i in listed["InstanceInformationList"]}


def test_running_instance_is_listed_with_facts_from_its_container(ssm, launch, docker_client):
    (instance_id,) = launch()
    info = info_of(ssm, [instance_id])[instance_id]
    container = docker_client.containers.get(f"localstack-ec2.{instance_id}")
    assert info["PingStatus"] == "Online"
    assert (info["PlatformType"], info["PlatformName"]) == ("Linux", "BusyBox")
    os_release = container.exec_run(["cat", "/etc/os-release"]).output.decode()
    assert f'VERSION_ID="{info["PlatformVersion"]}"' in os_release
    assert info["ResourceType"] == "EC2Instance"
    assert info["IPAddress"] == container.attrs["NetworkSettings"]["IPAddress"]
    hostname = container.exec_run(["hostname"]).output.decode().strip()
    assert info["ComputerName"] == hostname
    assert info["AgentVersion"] == __version__


def test_paused_container_loses_connection(ssm, launch, docker_client):
    (instance_id,) = launch()
    container = docker_client.containers.get(f"localstack-ec2.{instance_id}")
    container.pause()
    try:
        assert info_of(ssm, [instance_id])[instance_id]["PingStatus"] == "ConnectionLost"
        with pytest.raises(ClientError) as raised:
            ssm.send_command(
                InstanceIds=[instance_id],
                DocumentName="AWS-RunShellScript",
                Parameters={"commands": ["true"]},
            )
        assert raised.value.response["Error"]["Code"] == "InvalidInstanceId"
    finally:
        container.unpause()
    assert info_of(ssm, [instance_id])[instance_id]["PingStatus"] == "Online"


def test_stopped_instance_is_not_listed(ec2, ssm, launch):
    stopped, running = launch(count=2)
    ec2.stop_instances(InstanceIds=[stopped])
    assert set(info_of(ssm, [stopped, running])) == {running}


def test_filters_by_ping_status_platform_and_tag(ssm, launch):
    tagged = launch(
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "db"}]}]
    )[0]
    other = launch()[0]
    ids = [tagged, other]
    both = {"Key": "InstanceIds", "Values": ids}

    def listed(*filters) -> set[str]:
        response = ssm.describe_instance_information(Filters=[both, *filters])
        return {i["InstanceId"] for i in response["InstanceInformationList"]}

    assert listed({"Key": "tag:role", "Values": ["db"]}) == {tagged}
    assert listed({"Key": "tag-key", "Values": ["role"]}) == {tagged}
    assert listed({"Key": "PingStatus", "Values": ["Online"]}) == set(ids)
    assert listed({"Key": "PlatformTypes", "Values": ["Windows"]}) == set()
    legacy = ssm.describe_instance_information(
        InstanceInformationFilterList=[{"key": "InstanceIds", "valueSet": [other]}]
    )
    assert [i["InstanceId"] for i in legacy["InstanceInformationList"]] == [other]


def test_pagination(ssm, launch):
    ids = launch(count=6)
    filters = [{"Key": "InstanceIds", "Values": ids}]
    first = ssm.describe_instance_information(Filters=filters, MaxResults=5)
    assert len(first["InstanceInformationList"]) == 5
    second = ssm.describe_instance_information(
        Filters=filters, MaxResults=5, NextToken=first["NextToken"]
    )
    assert "NextToken" not in second
    seen = [i["InstanceId"] for i in first["InstanceInformationList"]]
    seen += [i["InstanceId"] for i in second["InstanceInformationList"]]
    assert sorted(seen) == sorted(ids)
    paginator = ssm.get_paginator("describe_instance_information")
    pages = paginator.paginate(Filters=filters, PaginationConfig={"PageSize": 5})
    assert sorted(i["InstanceId"] for p in pages for i in p["InstanceInformationList"]) == sorted(
        ids
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"MaxResults": 4}, "ValidationException"),
        ({"MaxResults": 51}, "ValidationException"),
        ({"Filters": [{"Key": "Colour", "Values": ["red"]}]}, "InvalidFilterKey"),
        (
            {"Filters": [{"Key": "PingStatus", "Values": ["Asleep"]}]},
            "InvalidInstanceInformationFilterValue",
        ),
        ({"NextToken": "not-a-token"}, "InvalidNextToken"),
    ],
)
def test_bad_requests_get_aws_errors(raw_ssm, kwargs, code):
    with pytest.raises(ClientError) as raised:
        raw_ssm.describe_instance_information(**kwargs)
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
