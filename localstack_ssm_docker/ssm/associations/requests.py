"""CreateAssociation/UpdateAssociation settings, checked as State Manager checks them before
anything is stored: the document and its version, the parameters against the document, the
targets and the schedule."""

from collections.abc import Callable, Mapping
from typing import Any

from localstack.aws.api.ssm import InvalidSchedule, ValidationException

from localstack_ssm_docker.ssm.associations.schedule_expressions import Cron, parse_schedule
from localstack_ssm_docker.ssm.associations.targets import check_targets
from localstack_ssm_docker.ssm.documents.plan import Document, plan_command

SETTING_KEYS = (
    "Name",
    "DocumentVersion",
    "InstanceId",
    "Parameters",
    "Targets",
    "ScheduleExpression",
    "OutputLocation",
    "AssociationName",
    "AutomationTargetParameterName",
    "MaxErrors",
    "MaxConcurrency",
    "ComplianceSeverity",
    "SyncCompliance",
    "ApplyOnlyAtCronInterval",
    "CalendarNames",
    "TargetLocations",
    "ScheduleOffset",
    "Duration",
    "TargetMaps",
    "AlarmConfiguration",
    "AssociationDispatchAssumeRole",
)

type DocumentLoader = Callable[[str, str | None], Document]
"""(name, version) → the document (InvalidDocument, InvalidDocumentVersion)."""


def settings_of(request: Mapping[str, Any]) -> dict[str, Any]:
    """The association settings a request gives (None and absent alike left out)."""
    return {k: request[k] for k in SETTING_KEYS if request.get(k) is not None}


def check_settings(settings: dict[str, Any], load: DocumentLoader) -> Document:
    """Raises AWS's error for settings State Manager refuses; the document they run."""
    has_instance = bool(settings.get("InstanceId"))
    targets = settings.get("Targets") or []
    if has_instance and targets:
        raise ValidationException("InstanceId and Targets cannot both be specified.")
    if not has_instance and not targets:
        raise ValidationException("Either InstanceId or Targets must be specified.")
    check_targets(targets)
    check_schedule(settings)
    document = load(settings["Name"], settings.get("DocumentVersion"))
    plan_command(document, settings.get("Parameters"))  # InvalidParameters
    return document


def check_runbook_settings(settings: Mapping[str, Any]) -> None:
    """Raises AWS's error for settings no runbook's association takes (the runbook checks its
    parameters and targets itself, as StartAutomationExecution does)."""
    if settings.get("InstanceId"):
        raise ValidationException(
            "InstanceId cannot be used with an Automation document; use "
            "AutomationTargetParameterName and Targets."
        )
    check_schedule(settings)


def check_schedule(settings: Mapping[str, Any]) -> None:
    expression = settings.get("ScheduleExpression")
    offset = settings.get("ScheduleOffset")
    if not expression:
        if offset is not None:
            raise InvalidSchedule("ScheduleOffset can be used only with cron expressions.")
        if settings.get("ApplyOnlyAtCronInterval"):
            raise InvalidSchedule(
                "ApplyOnlyAtCronInterval can be used only with a cron schedule expression."
            )
        return
    schedule = parse_schedule(expression, offset)
    if settings.get("ApplyOnlyAtCronInterval") and not isinstance(schedule, Cron):
        raise InvalidSchedule(
            "ApplyOnlyAtCronInterval can be used only with a cron schedule expression."
        )
