import pytest
from localstack.aws.api.ssm import (
    InvalidDocument,
    InvalidParameters,
    InvalidSchedule,
    InvalidTarget,
    ValidationException,
)

from localstack_ssm_docker.ssm.associations.requests import check_settings, settings_of
from localstack_ssm_docker.ssm.documents.aws_owned import AWS_DOCUMENTS
from localstack_ssm_docker.ssm.documents.plan import Document


def load(name, version):
    if name not in AWS_DOCUMENTS:
        raise InvalidDocument(f"Document with name {name} does not exist.")
    return Document(name, "1", AWS_DOCUMENTS[name])


def settings(**extra):
    base = {
        "Name": "AWS-RunShellScript",
        "Parameters": {"commands": ["true"]},
        "Targets": [{"Key": "tag:Role", "Values": ["web"]}],
    }
    base.update(extra)
    return {k: v for k, v in base.items() if v is not None}


def test_valid_settings_pass():
    assert check_settings(settings(ScheduleExpression="rate(1 day)"), load).name == (
        "AWS-RunShellScript"
    )


def test_settings_of_keeps_only_given_members():
    assert settings_of({"Name": "d", "Targets": None, "Foo": 1}) == {"Name": "d"}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"Name": "NoSuchDocument"}, InvalidDocument),
        ({"Parameters": {"nope": ["x"]}}, InvalidParameters),
        ({"Parameters": {}}, InvalidParameters),  # commands is required
        ({"ScheduleExpression": "rate(5 minutes)"}, InvalidSchedule),
        ({"ScheduleExpression": "rate(1 day)", "ApplyOnlyAtCronInterval": True}, InvalidSchedule),
        ({"ScheduleOffset": 2}, InvalidSchedule),
        ({"Targets": [{"Key": "bogus", "Values": ["x"]}]}, InvalidTarget),
        ({"Targets": [{"Key": "tag:Role", "Values": []}]}, InvalidTarget),
        ({"Targets": [{"Key": "InstanceIds", "Values": ["*", "i-1"]}]}, InvalidTarget),
        ({"Targets": None}, ValidationException),
        ({"InstanceId": "i-0123456789abcdef0"}, ValidationException),  # and Targets
    ],
)
def test_bad_settings_get_aws_errors(changes, error):
    with pytest.raises(error):
        check_settings(settings(**changes), load)
