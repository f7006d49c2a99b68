"""Association compliance (SyncCompliance=AUTO, the default): each instance's latest ended result
of each association is a compliance item of type Association, COMPLIANT when it succeeded, with
the association's ComplianceSeverity. Derived when asked, from the same results as the Overview,
so it can never disagree with them."""

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from localstack.aws.api.ssm import (
    ComplianceQueryOperatorType,
    ComplianceSeverity,
    ComplianceStatus,
    InvalidFilter,
)

from localstack_ssm_docker.ssm.associations.models import AssociationRecord
from localstack_ssm_docker.ssm.associations.queries import association_view
from localstack_ssm_docker.ssm.associations.shapes import timestamp

COMPLIANCE_TYPE = "Association"
RESOURCE_TYPE = "ManagedInstance"
_FIELDS = {
    "ComplianceType": "ComplianceType",
    "Status": "Status",
    "Severity": "Severity",
    "Id": "Id",
    "Title": "Title",
    "ResourceId": "ResourceId",
    "ResourceType": "ResourceType",
    "ExecutionType": "ExecutionType",
}
_SEVERITY_COUNTS = {
    ComplianceSeverity.CRITICAL: "CriticalCount",
    ComplianceSeverity.HIGH: "HighCount",
    ComplianceSeverity.MEDIUM: "MediumCount",
    ComplianceSeverity.LOW: "LowCount",
    ComplianceSeverity.INFORMATIONAL: "InformationalCount",
    ComplianceSeverity.UNSPECIFIED: "UnspecifiedCount",
}


def compliance_items(
    account_id: str, region: str, records: Iterable[AssociationRecord]
) -> list[dict[str, Any]]:
    """Every instance's compliance item for every association that syncs compliance."""
    items = []
    for record in records:
        if record.latest.get("SyncCompliance") == "MANUAL":
            continue
        view = association_view(account_id, region, record)
        for instance_id, (execution, result) in sorted(view.latest_by_instance.items()):
            if not result.ended:
                continue
            version = record.versions[execution.execution.association_version - 1]
            items.append(
                {
                    "ComplianceType": COMPLIANCE_TYPE,
                    "ResourceType": RESOURCE_TYPE,
                    "ResourceId": instance_id,
                    "Id": record.association_id,
                    "Title": version.get("AssociationName", ""),
                    "Status": ComplianceStatus.COMPLIANT
                    if result.succeeded
                    else ComplianceStatus.NON_COMPLIANT,
                    "Severity": version.get("ComplianceSeverity", ComplianceSeverity.UNSPECIFIED),
                    "ExecutionSummary": {
                        "ExecutionTime": timestamp(execution.execution.created_at),
                        "ExecutionId": execution.execution.execution_id,
                        "ExecutionType": "Command",
                    },
                    "Details": {
                        "DocumentName": version.settings["Name"],
                        "DocumentVersion": version.get("DocumentVersion", "$DEFAULT"),
                    },
                }
            )
    return items


def _value(item: dict[str, Any], key: str) -> str:
    if key == "ExecutionType":
        return item["ExecutionSummary"]["ExecutionType"]
    return str(item.get(_FIELDS[key], ""))


def compliance_filter(filters: list) -> Callable[[dict[str, Any]], bool]:
    """ComplianceStringFilters: EQUAL, NOT_EQUAL and BEGIN_WITH over the items' fields."""
    checks: list[Callable[[dict[str, Any]], bool]] = []
    for f in filters:
        key, values = f.get("Key") or "", list(f.get("Values") or [])
        kind = f.get("Type") or ComplianceQueryOperatorType.EQUAL
        if key not in _FIELDS:
            raise InvalidFilter(f"Filter key {key} is not valid.")
        checks.append(_check(key, values, kind))
    return lambda item: all(check(item) for check in checks)


def _check(key: str, values: list[str], kind: str) -> Callable[[dict[str, Any]], bool]:
    if kind == ComplianceQueryOperatorType.EQUAL:
        return lambda item: _value(item, key) in values
    if kind == ComplianceQueryOperatorType.NOT_EQUAL:
        return lambda item: _value(item, key) not in values
    if kind == ComplianceQueryOperatorType.BEGIN_WITH:
        return lambda item: any(_value(item, key).startswith(v) for v in values)
    raise InvalidFilter(f"Filter type {kind} is not supported for key {key}.")


def summaries(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ListComplianceSummaries' item for type Association: resources counted as compliant when
    all their items are; severities counted over the items."""
    if not items:
        return []
    by_resource: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_resource.setdefault(item["ResourceId"], []).append(item)
    compliant = sum(
        all(i["Status"] == ComplianceStatus.COMPLIANT for i in group)
        for group in by_resource.values()
    )
    return [
        {
            "ComplianceType": COMPLIANCE_TYPE,
            "CompliantSummary": {
                "CompliantCount": compliant,
                "SeveritySummary": _severities(items, ComplianceStatus.COMPLIANT),
            },
            "NonCompliantSummary": {
                "NonCompliantCount": len(by_resource) - compliant,
                "SeveritySummary": _severities(items, ComplianceStatus.NON_COMPLIANT),
            },
        }
    ]


def _severities(items: list[dict[str, Any]], status: str) -> dict[str, int]:
    counted = Counter(i["Severity"] for i in items if i["Status"] == status)
    return {name: counted.get(severity, 0) for severity, name in _SEVERITY_COUNTS.items()}
