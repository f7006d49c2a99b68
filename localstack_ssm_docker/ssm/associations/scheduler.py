"""Associations' schedules: one timer per scheduled association, for its next due run only.

Nothing wakes while no run is due. A run that fell due while LocalStack was stopped (the timer is
armed for a time already past) runs once at once, and the schedule goes on from then, as the SSM
agent does on boot.

One association has one timer, whoever arms it and whenever its timer fires: the timer armed last
takes the association's slot and cancels the one it displaces, and a timer that fires frees the
slot only while the slot is still its own.
"""

import logging
import threading
from collections.abc import Callable

from localstack.aws.api.ssm import ServiceException

from localstack_ssm_docker.ssm.associations.clock import Cancellable, Clock
from localstack_ssm_docker.ssm.associations.models import AssociationRecord
from localstack_ssm_docker.ssm.associations.schedule_expressions import parse_schedule

LOG = logging.getLogger(__name__)

type Due = Callable[[str, str, str], None]
"""(account, region, association id) → runs the association for its schedule."""


class _Slot:
    """One arming of an association's timer."""

    def __init__(self) -> None:
        self.timer: Cancellable | None = None
        self.fired = False

    def cancel(self) -> None:
        if self.timer is not None:
            self.timer.cancel()


class AssociationScheduler:
    def __init__(self, clock: Clock, on_due: Due):
        self._clock = clock
        self._on_due = on_due
        self._timers: dict[str, _Slot] = {}
        self._lock = threading.Lock()

    def next_due(self, record: AssociationRecord) -> float | None:
        """When the association's schedule runs it next (None: no schedule, or no run left)."""
        expression = record.latest.get("ScheduleExpression")
        if not expression:
            return None
        schedule = parse_schedule(expression, record.latest.get("ScheduleOffset"))
        return schedule.next_run(record.schedule_mark, record.schedule_anchor)

    def arm(self, account_id: str, region: str, record: AssociationRecord) -> None:
        """(Re)arms the association's one timer for its next run."""
        self.disarm(record.association_id)
        try:
            due = self.next_due(record)
        except ServiceException as e:  # saved by another version, and no longer valid
            LOG.warning("association %s not scheduled: %s", record.association_id, e)
            return
        if due is None:
            return
        association_id = record.association_id
        slot = _Slot()

        def fire() -> None:
            with self._lock:
                slot.fired = True
                if self._timers.get(association_id) is slot:
                    del self._timers[association_id]
            self._on_due(account_id, region, association_id)

        slot.timer = self._clock.call_at(due, fire)
        with self._lock:
            if slot.fired:  # already due: what it armed in turn is in the slot now
                return
            displaced = self._timers.get(association_id)
            self._timers[association_id] = slot
        if displaced is not None:
            displaced.cancel()

    def disarm(self, association_id: str) -> None:
        with self._lock:
            timer = self._timers.pop(association_id, None)
        if timer is not None:
            timer.cancel()

    @property
    def armed(self) -> int:
        """How many timers are armed (one per association with a run to come)."""
        with self._lock:
            return len(self._timers)
