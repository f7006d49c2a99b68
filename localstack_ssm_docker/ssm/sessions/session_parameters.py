"""How a Session document, AWS's (ssm/documents/session_documents.py) or a user's, turns into what
the data channel runs.

Pure: the caller loads a user's document; this module checks parameters and fills the document's
``properties`` the way the agent does before it sends them in the handshake.
"""

import re
from dataclasses import dataclass, field

from localstack.aws.api.ssm import InvalidDocument, InvalidParameters

from localstack_ssm_docker.ssm.documents.parameter_refs import PLACEHOLDER
from localstack_ssm_docker.ssm.documents.session_documents import (
    INTERACTIVE_COMMANDS,
    NON_INTERACTIVE_COMMANDS,
    PORT,
    RUN_SHELL,
    SESSION_DOCUMENTS,
    SESSION_TYPES,
    STANDARD_STREAM,
)

__all__ = [
    "INTERACTIVE_COMMANDS",
    "NON_INTERACTIVE_COMMANDS",
    "PORT",
    "RUN_SHELL",
    "SESSION_DOCUMENTS",
    "STANDARD_STREAM",
    "SessionPlan",
    "plan_session",
]


@dataclass(frozen=True)
class SessionPlan:
    """What a session runs, resolved from its document and parameters."""

    document_name: str
    session_type: str
    properties: dict
    """Sent to the plugin in the handshake (the resolved ``properties`` of the document)."""
    inputs: dict = field(default_factory=dict)
    """Session preferences (``inputs`` of a Standard_Stream document)."""

    @property
    def command(self) -> str:
        """The command of an (Non)InteractiveCommands session, or a Standard_Stream document's."""
        linux = self.properties.get("linux") or {}
        return str(linux.get("commands") or "") if isinstance(linux, dict) else ""

    @property
    def port(self) -> int:
        return int(self.properties.get("portNumber") or 0)

    @property
    def host(self) -> str:
        """The host a port session connects to, from the instance; empty means the instance."""
        return str(self.properties.get("host") or "")


def plan_session(name: str, content: dict, parameters: dict[str, list[str]] | None) -> SessionPlan:
    """The session a Session document describes with these parameters; InvalidDocument for a
    document that is not one, InvalidParameters for parameters it does not take or refuses."""
    session_type = content.get("sessionType")
    if session_type not in SESSION_TYPES:
        raise InvalidDocument(
            f"Document {name} is not a Session document with a valid sessionType."
        )
    declared: dict = content.get("parameters") or {}
    given = dict(parameters or {})
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise InvalidParameters(f"Parameters {unknown} are not defined in document {name}.")
    values: dict[str, str] = {}
    for key, spec in declared.items():
        if key in given:
            items = given[key]
            if len(items) != 1:
                raise InvalidParameters(f"Parameter {key} takes exactly one value.")
            value = items[0]
        elif "default" in spec:
            value = str(spec["default"])
        else:
            raise InvalidParameters(f"Parameter {key} is required by document {name}.")
        pattern = spec.get("allowedPattern")
        if pattern and key in given and not re.search(pattern, value):
            raise InvalidParameters(
                f"Parameter {key} value {value!r} does not match the allowed pattern {pattern}."
            )
        values[key] = value
    properties = _fill(content.get("properties") or {}, values)
    if session_type == PORT and not str(properties.get("portNumber") or "").isdecimal():
        raise InvalidParameters(f"Document {name} names no portNumber.")
    return SessionPlan(name, session_type, properties, dict(content.get("inputs") or {}))


def _fill(value, values: dict[str, str]):
    """The document's properties with every {{ parameter }} replaced by its value."""
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), value)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    return value
