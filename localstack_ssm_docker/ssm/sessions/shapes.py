"""DescribeSessions' Session shape from a stored record."""

from datetime import UTC, datetime

from localstack.aws.api.ssm import AccessType, Session, SessionStatus

from localstack_ssm_docker.ssm.sessions.models import SessionRecord


def session(record: SessionRecord) -> Session:
    shape = Session(
        SessionId=record.session_id,
        Target=record.target,
        Status=SessionStatus(record.status),
        StartDate=datetime.fromtimestamp(record.start_date, UTC),
        DocumentName=record.document_name,
        Owner=record.owner,
        OutputUrl={},
        AccessType=AccessType.Standard,
    )
    if record.reason:
        shape["Reason"] = record.reason
    if record.end_date is not None:
        shape["EndDate"] = datetime.fromtimestamp(record.end_date, UTC)
    if record.details:
        shape["Details"] = record.details
    if record.max_session_duration:
        shape["MaxSessionDuration"] = record.max_session_duration
    return shape
