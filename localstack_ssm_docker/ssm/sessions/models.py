"""Sessions as DescribeSessions reports them, per account and region, in a LocalStack store.

A record is immutable: the session manager replaces it as the session moves on, so a reader
always sees a whole one. Live state (sockets, processes) is the manager's, not the store's.
"""

from dataclasses import dataclass

from localstack.aws.api.ssm import SessionStatus
from localstack.services.stores import AccountRegionBundle, BaseStore, LocalAttribute

# Terminating: ending, its processes in the instance not yet killed (DescribeSessions lists it
# with the active ones, as AWS does until the end is recorded).
ACTIVE_STATUSES = frozenset(
    {
        SessionStatus.Connecting,
        SessionStatus.Connected,
        SessionStatus.Disconnected,
        SessionStatus.Terminating,
    }
)


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    target: str
    document_name: str
    owner: str
    reason: str
    status: str
    start_date: float
    end_date: float | None = None
    details: str = ""
    max_session_duration: str = ""

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class SessionStore(BaseStore):
    """Sessions of one account and region by id."""

    sessions: dict[str, SessionRecord] = LocalAttribute(default=dict)  # type: ignore[assignment]


session_stores: AccountRegionBundle[SessionStore] = AccountRegionBundle("ssm", SessionStore)
