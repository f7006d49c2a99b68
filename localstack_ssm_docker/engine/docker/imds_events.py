"""The engine's events that concern the metadata route, so that the metadata service acts when
something changes instead of reading the network on a timer.

One `/events` stream per LocalStack, which Docker filters by type and action: network events
(a container joined or left, a network made or removed) and container lifecycle events. Docker
ANDs filters of different kinds, so the names are matched here: the metadata network's members,
both IMDS networks, and the responder. Docker sends the stream's headers before any event, so
everything that happens after `changes` returns is reported.
"""

from collections.abc import Iterator

from docker import APIClient

from localstack_ssm_docker.engine.docker.client import engine_errors
from localstack_ssm_docker.engine.values import RouteChange

_FILTERS = {
    "type": ["network", "container"],
    "event": ["connect", "disconnect", "create", "destroy", "start", "die"],
}
_MEMBERSHIP = ("connect", "disconnect")


class DockerRouteChanges:
    """One open `/events` stream, read as RouteChanges (see the interface)."""

    def __init__(self, api: APIClient, network: str, upstream_network: str, responder: str):
        self._network = network
        self._upstream = upstream_network
        self._responder = responder
        with engine_errors():
            self._stream = api.events(filters=_FILTERS, decode=True)

    def __iter__(self) -> Iterator[RouteChange]:
        for event in self._stream:  # ends when the engine closes it or close() was called
            change = self._change(event)
            if change is not None:
                yield change

    def close(self) -> None:
        self._stream.close()

    def _change(self, event: dict) -> RouteChange | None:
        """The change an event means for the route, or None when it concerns something else."""
        kind, action = event.get("Type"), event.get("Action")
        name = ((event.get("Actor") or {}).get("Attributes") or {}).get("name")
        if kind == "container":
            return RouteChange(route=True) if name == self._responder else None
        if name == self._network:
            return RouteChange(route=action not in _MEMBERSHIP)
        if name == self._upstream and action not in _MEMBERSHIP:
            return RouteChange(route=True)
        return None
