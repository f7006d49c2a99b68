"""Accounts and regions see only their own instances and commands."""

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import finished, run_command

OTHER_ACCOUNT = "111111111111"


def test_instances_and_commands_stay_in_their_account_and_region(localstack, launch):
    (instance_id,) = launch(region="eu-west-1")
    home = localstack.client("ssm", region="eu-west-1")
    command_id = run_command(home, instance_id, ["hostname"])
    assert finished(home, command_id, instance_id)["Status"] == "Success"

    for region, account in (("us-east-1", "000000000000"), ("eu-west-1", OTHER_ACCOUNT)):
        other = localstack.client("ssm", region=region, account=account)
        listed = other.describe_instance_information()["InstanceInformationList"]
        assert instance_id not in {i["InstanceId"] for i in listed}
        with pytest.raises(ClientError) as raised:
            run_command(other, instance_id, ["hostname"])
        assert raised.value.response["Error"]["Code"] == "InvalidInstanceId"
        with pytest.raises(ClientError) as raised:
            other.get_command_invocation(CommandId=command_id, InstanceId=instance_id)
        assert raised.value.response["Error"]["Code"] == "InvocationDoesNotExist"
        assert other.list_commands(CommandId=command_id)["Commands"] == []
