"""Session Manager's API (StartSession, ResumeSession, TerminateSession, DescribeSessions): thin
handlers over the session documents, the store, the live session manager of this process
(`runtime.py`) and the instance directory they are constructed with (which instances are
Online)."""

import secrets
import time
from datetime import UTC, datetime

from localstack.aws.api import RequestContext, handler
from localstack.aws.api.ssm import (
    AccessType,
    DescribeSessionsRequest,
    DescribeSessionsResponse,
    DoesNotExistException,
    InvalidFilterKey,
    InvalidInstanceId,
    ResumeSessionRequest,
    ResumeSessionResponse,
    StartSessionRequest,
    StartSessionResponse,
    TargetNotConnected,
    TerminateSessionRequest,
    TerminateSessionResponse,
)

from localstack_ssm_docker.ec2.exceptions import EngineUnavailableError
from localstack_ssm_docker.engine.errors import EngineNotAnswering
from localstack_ssm_docker.ssm.api.pagination import paginate
from localstack_ssm_docker.ssm.integrations.caller_identity import caller_arn
from localstack_ssm_docker.ssm.integrations.document_loader import load_session_document
from localstack_ssm_docker.ssm.sessions import session_parameters, shapes
from localstack_ssm_docker.ssm.sessions.endpoint import PATH
from localstack_ssm_docker.ssm.sessions.models import SessionRecord, SessionStore, session_stores
from localstack_ssm_docker.ssm.sessions.runtime import session_manager
from localstack_ssm_docker.ssm.targeting.instances import InstanceDirectory

DEFAULT_SESSION_PAGE = 20


class SessionHandlers:
    """StartSession, ResumeSession, TerminateSession and DescribeSessions."""

    def __init__(self, instances: InstanceDirectory):
        self._instances = instances

    @staticmethod
    def _session_store(context: RequestContext) -> SessionStore:
        return session_stores[context.account_id][context.region]

    @handler("StartSession", expand=False)
    def start_session(
        self, context: RequestContext, request: StartSessionRequest
    ) -> StartSessionResponse:
        target = request["Target"]
        account_id, region = context.account_id, context.region
        name, content = load_session_document(
            account_id, region, request.get("DocumentName") or session_parameters.RUN_SHELL
        )
        plan = session_parameters.plan_session(name, content, request.get("Parameters"))
        if name != session_parameters.RUN_SHELL:
            # session preferences (run as, profile, timeouts) live in SSM-SessionManagerRunShell
            preferences = load_session_document(account_id, region, session_parameters.RUN_SHELL)[1]
            plan = session_parameters.SessionPlan(
                plan.document_name,
                plan.session_type,
                plan.properties,
                {**preferences.get("inputs", {}), **plan.inputs},
            )
        try:
            records = self._instances.require_online(account_id, region, [target])
        except InvalidInstanceId:
            raise TargetNotConnected(f"{target} is not connected.") from None
        except EngineNotAnswering as e:
            raise EngineUnavailableError(str(e)) from e
        owner = caller_arn(context)
        session_id = f"{owner.rsplit('/', 1)[-1].rsplit(':', 1)[-1]}-{secrets.token_hex(9)[:17]}"
        record = SessionRecord(
            session_id=session_id,
            target=target,
            document_name=name,
            owner=owner,
            reason=request.get("Reason") or "",
            status="Connecting",
            start_date=time.time(),
            max_session_duration=str(plan.inputs.get("maxSessionDuration") or ""),
        )
        token = session_manager().start(
            account_id, region, record, records[target].container_id, plan
        )
        return StartSessionResponse(
            SessionId=session_id, TokenValue=token, StreamUrl=_stream_url(context, session_id)
        )

    @handler("ResumeSession", expand=False)
    def resume_session(
        self, context: RequestContext, request: ResumeSessionRequest
    ) -> ResumeSessionResponse:
        session_id = request["SessionId"]
        record = self._session_store(context).sessions.get(session_id)
        if record is None:
            raise DoesNotExistException(f"Session with id {session_id} does not exist.")
        token = session_manager().new_token(session_id) if record.active else None
        if token is None:
            return ResumeSessionResponse(SessionId=session_id)
        return ResumeSessionResponse(
            SessionId=session_id, TokenValue=token, StreamUrl=_stream_url(context, session_id)
        )

    @handler("TerminateSession", expand=False)
    def terminate_session(
        self, context: RequestContext, request: TerminateSessionRequest
    ) -> TerminateSessionResponse:
        session_id = request["SessionId"]
        if session_id in self._session_store(context).sessions:
            session_manager().terminate(session_id)
        return TerminateSessionResponse(SessionId=session_id)

    @handler("DescribeSessions", expand=False)
    def describe_sessions(
        self, context: RequestContext, request: DescribeSessionsRequest
    ) -> DescribeSessionsResponse:
        active = request["State"] == "Active"
        wanted = _filters(request.get("Filters") or [])
        sessions = [
            s
            for s in self._session_store(context).sessions.values()
            if s.active == active and all(test(s) for test in wanted)
        ]
        page, token = paginate(
            sessions,
            key=lambda s: (-s.start_date, s.session_id),
            max_results=request.get("MaxResults") or DEFAULT_SESSION_PAGE,
            next_token=request.get("NextToken"),
        )
        result = DescribeSessionsResponse(Sessions=[shapes.session(s) for s in page])
        if token:
            result["NextToken"] = token
        return result


def _stream_url(context: RequestContext, session_id: str) -> str:
    """The data channel's URL on the host (and port) the client called."""
    host = context.request.host or "localhost.localstack.cloud:4566"
    path = PATH.replace("<session_id>", session_id)
    return f"ws://{host}{path}?role=publish_subscribe"


def _filters(filters: list) -> list:
    tests = []
    for item in filters:
        key, value = item.get("key"), item.get("value", "")
        if key in ("InvokedAfter", "InvokedBefore"):
            moment = _date(value)
            if key == "InvokedAfter":
                tests.append(lambda s, m=moment: s.start_date >= m)
            else:
                tests.append(lambda s, m=moment: s.start_date <= m)
        elif key == "Target":
            tests.append(lambda s, v=value: s.target == v)
        elif key == "Owner":
            tests.append(lambda s, v=value: s.owner == v)
        elif key == "Status":
            tests.append(lambda s, v=value: s.status == v)
        elif key == "SessionId":
            tests.append(lambda s, v=value: s.session_id == v)
        elif key == "AccessType":
            tests.append(lambda s, v=value: v == AccessType.Standard)
        else:
            raise InvalidFilterKey(f"The filter key {key} is not valid.")
    return tests


def _date(value: str) -> float:
    for form in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, form).replace(tzinfo=UTC).timestamp()
        except ValueError:
            continue
    raise InvalidFilterKey(
        f"The filter value {value} is not a valid date: use yyyy-MM-ddTHH:mm:ssZ."
    )
