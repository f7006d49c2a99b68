"""AWS's own Session documents: their names, the session types, and the content AWS publishes for
them. Pure data, shared by the document catalogue (aws_owned) and the session planner."""

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


def _local_port() -> dict:
    return _port(
        "(Optional) Port number on local machine to forward traffic to. An open port is "
        "chosen at run-time if not provided",
        "0",
        _LOCAL_PORT_PATTERN,
    )


def _local_forwarding() -> dict:
    """The properties of a port forwarding to a local port."""
    return {
        "portNumber": "{{ portNumber }}",
        "type": "LocalPortForwarding",
        "localPortNumber": "{{ localPortNumber }}",
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
            "localPortNumber": _local_port(),
        },
        "properties": _local_forwarding(),
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
            "localPortNumber": _local_port(),
        },
        "properties": {**_local_forwarding(), "host": "{{ host }}"},
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
