"""Session documents: AWS's own (with the content AWS publishes for them) and how any Session
document, AWS's or a user's, turns into what the data channel runs.

Pure: the caller loads a user's document; this module checks parameters and fills the document's
``properties`` the way the agent does before it sends them in the handshake.
"""

import re
from dataclasses import dataclass, field

from localstack.aws.api.ssm import InvalidDocument, InvalidParameters

RUN_SHELL = "SSM-SessionManagerRunShell"
START_INTERACTIVE_COMMAND = "AWS-StartInteractiveCommand"
START_NON_INTERACTIVE_COMMAND = "AWS-StartNonInteractiveCommand"
START_PORT_FORWARDING = "AWS-StartPortForwardingSession"
START_PORT_FORWARDING_REMOTE = "AWS-StartPortForwardingSessionToRemoteHost"
START_SSH = "AWS-StartSSHSession"

STANDARD_STREAM = "Standard_Stream"
INTERACTIVE_COMMANDS = "InteractiveCommands"
NON_INTERACTIVE_COMMANDS = "NonInteractiveCommands"
PORT = "Port"
SESSION_TYPES = (STANDARD_STREAM, INTERACTIVE_COMMANDS, NON_INTERACTIVE_COMMANDS, PORT)

_PORT_PATTERN = (
    "^([1-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$"
)
_LOCAL_PORT_PATTERN = (
    "^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$"
)


def _port(description: str, default: str, pattern: str = _PORT_PATTERN) -> dict:
    return {
        "type": "String",
        "description": description,
        "allowedPattern": pattern,
        "default": default,
    }


def _command_document(description: str, session_type: str) -> dict:
    commands = {"commands": "{{ command }}", "runAsElevated": False}
    return {
        "schemaVersion": "1.0",
        "description": description,
        "sessionType": session_type,
        "parameters": {"command": {"type": "String", "description": "The command to run."}},
        "properties": {"windows": commands, "linux": commands, "macos": commands},
    }


SESSION_DOCUMENTS: dict[str, dict] = {
    RUN_SHELL: {
        "schemaVersion": "1.0",
        "description": "Document to hold regional settings for Session Manager",
        "sessionType": STANDARD_STREAM,
        "inputs": {
            "s3BucketName": "",
            "s3KeyPrefix": "",
            "s3EncryptionEnabled": True,
            "cloudWatchLogGroupName": "",
            "cloudWatchEncryptionEnabled": True,
            "cloudWatchStreamingEnabled": True,
            "idleSessionTimeout": "20",
            "maxSessionDuration": "",
            "kmsKeyId": "",
            "runAsEnabled": False,
            "runAsDefaultUser": "",
            "shellProfile": {"windows": "", "linux": ""},
        },
    },
    START_INTERACTIVE_COMMAND: _command_document(
        "Document to run single interactive command on an instance", INTERACTIVE_COMMANDS
    ),
    START_NON_INTERACTIVE_COMMAND: _command_document(
        "Document to run single non-interactive command on an instance", NON_INTERACTIVE_COMMANDS
    ),
    START_PORT_FORWARDING: {
        "schemaVersion": "1.0",
        "description": "Document to start port forwarding session over Session Manager",
        "sessionType": PORT,
        "parameters": {
            "portNumber": _port("(Optional) Port number of the server on the instance", "80"),
            "localPortNumber": _port(
                "(Optional) Port number on local machine to forward traffic to. An open port is "
                "chosen at run-time if not provided",
                "0",
                _LOCAL_PORT_PATTERN,
            ),
        },
        "properties": {
            "portNumber": "{{ portNumber }}",
            "type": "LocalPortForwarding",
            "localPortNumber": "{{ localPortNumber }}",
        },
    },
    START_PORT_FORWARDING_REMOTE: {
        "schemaVersion": "1.0",
        "description": "Document to start port forwarding session over Session Manager to a "
        "remote host",
        "sessionType": PORT,
        "parameters": {
            "host": {
                "type": "String",
                "description": "(Required) The IP address or hostname of the remote host",
                "allowedPattern": "^[^,$^&\\(\\)!;'\"<>\\`{}\\[\\]\\|#=]{3,}$",
            },
            "portNumber": _port("(Optional) Port number of the server on the remote host", "80"),
            "localPortNumber": _port(
                "(Optional) Port number on local machine to forward traffic to. An open port is "
                "chosen at run-time if not provided",
                "0",
                _LOCAL_PORT_PATTERN,
            ),
        },
        "properties": {
            "portNumber": "{{ portNumber }}",
            "type": "LocalPortForwarding",
            "localPortNumber": "{{ localPortNumber }}",
            "host": "{{ host }}",
        },
    },
    START_SSH: {
        "schemaVersion": "1.0",
        "description": "Document to start SSH session over Session Manager",
        "sessionType": PORT,
        "parameters": {
            "portNumber": _port("(Optional) Port number of SSH server on the instance", "22")
        },
        "properties": {"portNumber": "{{ portNumber }}"},
    },
}

_REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")


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
        return _REFERENCE.sub(lambda m: values.get(m[1], m[0]), value)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    return value
