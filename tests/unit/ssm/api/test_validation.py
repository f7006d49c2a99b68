import pytest
from localstack.aws.api.ssm import ValidationException

from localstack_ssm_docker.ssm.api.validation import Checks


def test_no_violation_raises_nothing():
    checks = Checks()
    checks.instance_ids(["i-12345678", "i-0123456789abcdef0", "mi-0123456789abcdef0"], "ids")
    checks.command_id("c" * 36)
    checks.range(30, "timeoutSeconds", 30, 2592000)
    checks.raise_if_any()


def test_one_violation_message_as_aws_writes_it():
    checks = Checks()
    checks.command_id("short")
    with pytest.raises(ValidationException) as raised:
        checks.raise_if_any()
    assert raised.value.message == (
        "1 validation error detected: Value 'short' at 'commandId' failed to satisfy constraint: "
        "Member must have length greater than or equal to 36"
    )


def test_several_violations_are_reported_together():
    checks = Checks()
    checks.instance_ids(["i-1"] + ["i-12345678"] * 50, "instanceIds")
    checks.range(5, "timeoutSeconds", 30, 2592000)
    with pytest.raises(ValidationException) as raised:
        checks.raise_if_any()
    message = raised.value.message
    assert message.startswith("3 validation errors detected: ")
    assert (
        "at 'instanceIds' failed to satisfy constraint: Member must have length less than"
        in message
    )
    assert "Value 'i-1' at 'instanceIds.1.member'" in message
    assert "Member must have value greater than or equal to 30" in message
