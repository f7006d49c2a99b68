from dataclasses import replace

from localstack_ssm_docker.ssm.run.output_names import log_group_of, plugin_key_prefix, s3_url
from tests.unit.builders import command


def test_key_prefix_as_aws_lays_it_out():
    with_prefix = replace(command(), output_s3_key_prefix="runs/2026")
    assert plugin_key_prefix(with_prefix, "i-12345678", "aws:runShellScript") == (
        f"runs/2026/{with_prefix.command_id}/i-12345678/awsrunShellScript"
    )
    assert plugin_key_prefix(command(), "i-12345678", "aws:runShellScript").startswith("c" * 36)


def test_url_and_log_group():
    assert s3_url("eu-west-1", "b", "k/stdout") == "https://s3.eu-west-1.amazonaws.com/b/k/stdout"
    assert log_group_of(command()) == "/aws/ssm/AWS-RunShellScript"
    named = replace(command(), cloudwatch_output_config={"CloudWatchLogGroupName": "mine"})
    assert log_group_of(named) == "mine"
