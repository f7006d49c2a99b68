import botocore.session
import pytest

from localstack_ssm_docker.gateway import client_errors
from localstack_ssm_docker.gateway.constraints import Violation, java_string, message, violations

SSM = botocore.session.get_session().get_service_model("ssm")


def shape(operation: str):
    return SSM.operation_model(operation).input_shape


def words(operation: str, request: dict) -> str:
    found = violations(shape(operation), request)
    return message(found) if found else ""


def test_a_request_within_every_constraint_has_no_violation():
    request = {
        "DocumentName": "AWS-RunShellScript",
        "DocumentVersion": "$LATEST",
        "InstanceIds": ["i-12345678", "i-0123456789abcdef0", "mi-0123456789abcdef0"],
        "TimeoutSeconds": 30,
        "Comment": "c" * 100,
        "MaxConcurrency": "10%",
        "MaxErrors": "0",
        "DocumentHashType": "Sha256",
        "Parameters": {"commands": ["id"]},
    }
    assert violations(shape("SendCommand"), request) == []
    targets = {"DocumentName": "AWS-RunShellScript", "Targets": [{"Key": "tag:Név", "Values": []}]}
    assert violations(shape("SendCommand"), targets) == []


def test_one_violation_message_as_aws_writes_it():
    assert words("GetCommandInvocation", {"CommandId": "short", "InstanceId": "i-12345678"}) == (
        "1 validation error detected: Value 'short' at 'commandId' failed to satisfy constraint: "
        "Member must have length greater than or equal to 36"
    )
    assert words("SendCommand", {"DocumentName": "AWS-RunShellScript", "Comment": "c" * 101}) == (
        f"1 validation error detected: Value '{'c' * 101}' at 'comment' failed to satisfy "
        "constraint: Member must have length less than or equal to 100"
    )


def test_several_violations_are_reported_together():
    request = {
        "DocumentName": "AWS-RunShellScript",
        "InstanceIds": ["i-1"] + ["i-12345678"] * 50,
        "TimeoutSeconds": 5,
    }
    text = words("SendCommand", request)
    assert text.startswith("3 validation errors detected: ")
    assert (
        "at 'instanceIds' failed to satisfy constraint: Member must have length less than" in text
    )
    assert "Value 'i-1' at 'instanceIds.1.member'" in text
    assert "Value '5' at 'timeoutSeconds' failed to satisfy constraint: " in text
    assert "Member must have value greater than or equal to 30" in text
    assert text.count("; ") == 2


@pytest.mark.parametrize(
    ("operation", "request_", "path", "constraint"),
    [
        (
            "SendCommand",
            {"TimeoutSeconds": 2592001},
            "timeoutSeconds",
            "have value less than or equal to 2592000",
        ),
        ("ListCommands", {"MaxResults": 0}, "maxResults", "have value greater than or equal to 1"),
        ("ListCommands", {"MaxResults": 51}, "maxResults", "have value less than or equal to 50"),
        (
            "DescribeInstanceInformation",
            {"MaxResults": 4},
            "maxResults",
            "have value greater than or equal to 5",
        ),
        ("ListCommands", {"Filters": []}, "filters", "have length greater than or equal to 1"),
        (
            "SendCommand",
            {"OutputS3BucketName": "ab"},
            "outputS3BucketName",
            "have length greater than or equal to 3",
        ),
        (
            "GetCommandInvocation",
            {"PluginName": "abc"},
            "pluginName",
            "have length greater than or equal to 4",
        ),
    ],
)
def test_lengths_and_ranges(operation, request_, path, constraint):
    request = {"DocumentName": "AWS-RunShellScript"} | request_
    found = violations(shape(operation), request)
    relevant = [v for v in found if v.path == path]
    assert [v.constraint for v in relevant] == [f"Member must {constraint}"]


def test_patterns_are_the_models_and_match_the_whole_value():
    document = {"DocumentName": "AWS-RunShellScript"}
    found = violations(shape("SendCommand"), document | {"MaxConcurrency": "0"})
    assert [str(v) for v in found] == [
        "Value '0' at 'maxConcurrency' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: ^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$"
    ]
    # the model's DocumentVersion pattern is unanchored in part: AWS matches the whole value
    for version in ("$LATEST", "$DEFAULT", "12"):
        assert violations(shape("SendCommand"), document | {"DocumentVersion": version}) == []
    for version in ("x$LATEST", "$DEFAULTx", "012", "1\n"):
        found = violations(shape("SendCommand"), document | {"DocumentVersion": version})
        assert [v.path for v in found] == ["documentVersion"], version


def test_patterns_follow_java_character_classes():
    send = shape("SendCommand")
    document = {"DocumentName": "AWS-RunShellScript"}
    # Java's \w is ASCII only
    assert violations(send, document | {"InstanceIds": ["i-éééééééé"]})
    # Java's \p{L} is any letter
    assert violations(send, document | {"Targets": [{"Key": "tag:名前", "Values": ["x"]}]}) == []
    found = violations(send, document | {"Targets": [{"Key": "tag:a!", "Values": ["x"]}]})
    assert [v.path for v in found] == ["targets.1.member.key"]


def test_a_value_breaking_length_and_pattern_gets_both():
    request = {"DocumentName": "AWS-RunShellScript", "MaxErrors": "abcdefghij"}
    found = violations(shape("SendCommand"), request)
    assert [v.constraint for v in found] == [
        "Member must have length less than or equal to 7",
        "Member must satisfy regular expression pattern: "
        "^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$",
    ]


def test_enums_list_the_value_set():
    text = words("ListCommands", {"Filters": [{"key": "Colour", "value": "red"}]})
    assert text == (
        "1 validation error detected: Value 'Colour' at 'filters.1.member.key' failed to satisfy "
        "constraint: Member must satisfy enum value set: "
        "[InvokedAfter, InvokedBefore, Status, ExecutionStage, DocumentName]"
    )


def test_missing_required_members_are_reported_with_the_rest():
    text = words("ListCommands", {"Filters": [{"value": ""}], "MaxResults": 99})
    assert text.startswith("3 validation errors detected: ")
    assert "Value null at 'filters.1.member.key' failed to satisfy constraint: " in text
    assert "Member must not be null" in text
    assert "Value '' at 'filters.1.member.value'" in text
    assert "Value '99' at 'maxResults'" in text
    assert words("SendCommand", {}) == (
        "1 validation error detected: Value null at 'documentName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_nested_members_have_aws_paths():
    request = {
        "DocumentName": "AWS-RunShellScript",
        "NotificationConfig": {
            "NotificationType": "Sometimes",
            "NotificationEvents": ["All", "No"],
        },
        "CloudWatchOutputConfig": {"CloudWatchLogGroupName": ""},
    }
    paths = [v.path for v in violations(shape("SendCommand"), request)]
    assert paths == [
        "notificationConfig.notificationEvents.2.member",
        "notificationConfig.notificationType",
        "cloudWatchOutputConfig.cloudWatchLogGroupName",
    ]


def test_maps_are_judged_by_keys_and_by_values():
    request = {
        "DocumentName": "AWS-RunShellScript",
        "TargetMaps": [{"": ["v"] * 26}],
    }
    found = [str(v) for v in violations(shape("StartAutomationExecution"), request)]
    values = "[" + ", ".join(["v"] * 26) + "]"
    assert found == [
        f"Value '{{={values}}}' at 'targetMaps.1.member' failed to satisfy constraint: Map keys "
        "must satisfy constraint: [Member must have length less than or equal to 50, Member must "
        "have length greater than or equal to 1]",
        f"Value '{{={values}}}' at 'targetMaps.1.member' failed to satisfy constraint: Map value "
        "must satisfy constraint: [Member must have length less than or equal to 25, Member must "
        "have length greater than or equal to 0]",
    ]


def test_sensitive_values_are_not_echoed():
    request = {"Name": "n", "Value": "v", "Type": "String", "Tier": "Gold"}
    assert "'Gold'" in words("PutParameter", request)
    secret = {"WindowId": "mw-0123456789abcdef0", "Name": "n", "Description": "d" * 129}
    text = words("UpdateMaintenanceWindow", secret)
    assert "Value at 'description' failed to satisfy constraint" in text
    assert "ddd" not in text


def test_wrongly_typed_members_are_left_to_the_shape_check():
    request = {"DocumentName": 5, "TimeoutSeconds": "5", "InstanceIds": "i-1", "Comment": True}
    assert violations(shape("SendCommand"), request) == []


def test_an_unusable_pattern_is_not_enforced():
    from localstack_ssm_docker.gateway.constraints import _matches

    assert _matches("(unclosed", "anything")


def test_values_are_shown_as_java_shows_them():
    assert java_string(["a", 1, True, None]) == "[a, 1, true, null]"
    assert java_string({"Key": "tag:a", "Values": ["b"]}) == "{Key=tag:a, Values=[b]}"


def test_the_error_is_a_validation_exception():
    error = client_errors.for_violations([Violation("comment", "x", "Member must not be x")])
    assert (error.code, error.status_code) == ("ValidationException", 400)
    assert error.message == (
        "1 validation error detected: Value 'x' at 'comment' failed to satisfy constraint: "
        "Member must not be x"
    )


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        (r"\w{3}", "abc", True),
        (r"\w{3}", "abé", False),  # Java's \w is ASCII
        (r"[\w.]+", "a.b", True),
        (r"[\w.]+", "é", False),
        (r"^(?!\s*$).+", "\u2003", True),  # Java's \s is ASCII: an em space is not blank
        (r"^(?!\s*$).+", " \t", False),
        (r"[\s\S]*\S[\s\S]*", " \u2003 ", True),
        (r"[\s\S]*\S[\s\S]*", "  ", False),
        (r"[\p{L}\p{N}]+", "名前1", True),
        (r"\\w", "\\w", True),
    ],
)
def test_java_character_classes(pattern, value, matches):
    from localstack_ssm_docker.gateway.constraints import _matches

    assert _matches(pattern, value) is matches
