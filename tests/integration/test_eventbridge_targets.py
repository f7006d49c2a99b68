"""EventBridge rules that run Systems Manager documents: the event reaches our Run Command."""

import json
import uuid

from tests.integration.helpers import finished, poll


def _rule_to_run_command(localstack, source: str, target: dict) -> None:
    events = localstack.client("events")
    rule = f"run-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(
        Rule=rule,
        Targets=[
            {
                "Id": "run",
                "Arn": "arn:aws:ssm:us-east-1:000000000000:document/AWS-RunShellScript",
                "RoleArn": "arn:aws:iam::000000000000:role/events-run-command",
                **target,
            }
        ],
    )


def _commands_for(ssm, instance_id: str) -> list[dict]:
    return ssm.list_commands(InstanceId=instance_id)["Commands"]


def test_an_event_runs_the_targets_document_on_the_tagged_instances(localstack, ssm, launch):
    role = f"web-{uuid.uuid4().hex[:8]}"
    (instance_id,) = launch(
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Role", "Value": role}]}]
    )
    source = f"my.app.{uuid.uuid4().hex[:8]}"
    _rule_to_run_command(
        localstack,
        source,
        {
            "Input": json.dumps({"commands": ["echo from the rule"]}),
            "RunCommandParameters": {"RunCommandTargets": [{"Key": "tag:Role", "Values": [role]}]},
        },
    )
    localstack.client("events").put_events(
        Entries=[{"Source": source, "DetailType": "deploy", "Detail": "{}"}]
    )
    (command,) = poll(lambda: _commands_for(ssm, instance_id), bool)
    assert command["DocumentName"] == "AWS-RunShellScript"
    assert command["Targets"] == [{"Key": "tag:Role", "Values": [role]}]
    result = finished(ssm, command["CommandId"], instance_id)
    assert (result["Status"], result["StandardOutputContent"]) == ("Success", "from the rule\n")


def test_an_input_transformer_turns_the_event_into_the_commands(localstack, ssm, launch):
    (instance_id,) = launch()
    source = f"my.app.{uuid.uuid4().hex[:8]}"
    _rule_to_run_command(
        localstack,
        source,
        {
            "InputTransformer": {
                "InputPathsMap": {"version": "$.detail.version"},
                "InputTemplate": '{"commands": ["echo deploying <version>"]}',
            },
            "RunCommandParameters": {
                "RunCommandTargets": [{"Key": "InstanceIds", "Values": [instance_id]}]
            },
        },
    )
    localstack.client("events").put_events(
        Entries=[{"Source": source, "DetailType": "deploy", "Detail": '{"version": "1.4.2"}'}]
    )
    (command,) = poll(lambda: _commands_for(ssm, instance_id), bool)
    result = finished(ssm, command["CommandId"], instance_id)
    assert result["StandardOutputContent"] == "deploying 1.4.2\n"
