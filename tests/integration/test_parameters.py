"""Document versions, hashes, comments and Parameter Store references."""

import uuid

import pytest
from botocore.exceptions import ClientError

from tests.integration.helpers import finished


def send(ssm, instance_id: str, commands: list[str], **kwargs) -> str:
    return ssm.send_command(
        InstanceIds=[instance_id],
        DocumentName="AWS-RunShellScript",
        Parameters={"commands": commands},
        **kwargs,
    )["Command"]["CommandId"]


@pytest.mark.parametrize("version", ["$LATEST", "$DEFAULT", "1"])
def test_document_versions_and_hash_are_accepted(ssm, launch, version):
    (instance_id,) = launch()
    command_id = send(
        ssm,
        instance_id,
        ["echo versioned"],
        DocumentVersion=version,
        DocumentHash="0" * 64,
        DocumentHashType="Sha256",
        Comment="a comment",
    )
    result = finished(ssm, command_id, instance_id)
    assert (result["DocumentVersion"], result["Comment"]) == (version, "a comment")
    assert result["StandardOutputContent"] == "versioned\n"


def test_unknown_document_version(ssm, launch):
    (instance_id,) = launch()
    with pytest.raises(ClientError) as raised:
        send(ssm, instance_id, ["true"], DocumentVersion="2")
    assert raised.value.response["Error"]["Code"] == "InvalidDocumentVersion"


def test_parameter_store_references_are_resolved_when_the_command_runs(ssm, launch):
    (instance_id,) = launch()
    name = f"/app/{uuid.uuid4().hex[:8]}/greeting"
    ssm.put_parameter(Name=name, Value="first", Type="String")
    ssm.put_parameter(Name=name, Value="second", Type="String", Overwrite=True)
    command_id = send(ssm, instance_id, [f"echo {{{{ssm:{name}}}}} {{{{ ssm:{name}:1 }}}}"])
    result = finished(ssm, command_id, instance_id)
    assert (result["Status"], result["StandardOutputContent"]) == ("Success", "second first\n")
    listed = ssm.list_commands(CommandId=command_id)["Commands"][0]
    assert listed["Parameters"]["commands"] == [f"echo {{{{ssm:{name}}}}} {{{{ ssm:{name}:1 }}}}"]


def test_missing_and_secure_references_fail_the_invocation(ssm, launch):
    (instance_id,) = launch()
    missing = f"/missing/{uuid.uuid4().hex[:8]}"
    result = finished(ssm, send(ssm, instance_id, [f"echo {{{{ssm:{missing}}}}}"]), instance_id)
    assert (result["Status"], result["StandardErrorContent"]) == (
        "Failed",
        f"Input contains invalid parameters [{missing}]",
    )
    secret = f"/secret/{uuid.uuid4().hex[:8]}"
    ssm.put_parameter(Name=secret, Value="hush", Type="SecureString")
    result = finished(ssm, send(ssm, instance_id, [f"echo {{{{ssm:{secret}}}}}"]), instance_id)
    assert result["Status"] == "Failed"
    assert result["StandardErrorContent"] == (
        f"Parameters [{secret}] of type SecureString are not supported"
    )
    assert "hush" not in result["StandardOutputContent"]


def test_parameter_store_keeps_working(ssm):
    name = f"/plain/{uuid.uuid4().hex[:8]}"
    ssm.put_parameter(Name=name, Value="v1", Type="String")
    assert ssm.get_parameter(Name=name)["Parameter"]["Value"] == "v1"
    assert ssm.get_parameters_by_path(Path="/plain")["Parameters"]
    ssm.delete_parameter(Name=name)
    with pytest.raises(ClientError) as raised:
        ssm.get_parameter(Name=name)
    assert raised.value.response["Error"]["Code"] == "ParameterNotFound"
