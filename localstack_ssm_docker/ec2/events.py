"""Instance events other services react to: instances launched, tagged, or started again.

State Manager applies an association to each instance that comes to match it later. EC2 tells
this hub when instances appear, get tags or start again; SSM subscribes. Listeners run on the
EC2 request's thread and must return quickly (SSM hands the work to its own timer thread).
"""

import logging
import threading
from collections.abc import Collection
from typing import Protocol

LOG = logging.getLogger(__name__)


class InstanceListener(Protocol):
    def __call__(
        self, account_id: str, region: str, instance_ids: Collection[str], restarted: bool
    ) -> None:
        """`restarted`: the instances started again (else: launched, or tagged)."""
        ...


class InstanceEvents:
    """Listeners of instance changes; a listener that fails is logged, not propagated."""

    def __init__(self) -> None:
        self._listeners: list[InstanceListener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: InstanceListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def changed(
        self, account_id: str, region: str, instance_ids: Collection[str], restarted: bool = False
    ) -> None:
        """Instances were launched or tagged (or, `restarted`, started again)."""
        ids = [i for i in instance_ids if i.startswith("i-")]
        if not ids:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(account_id, region, ids, restarted)
            except Exception:
                LOG.exception("instance listener failed")
