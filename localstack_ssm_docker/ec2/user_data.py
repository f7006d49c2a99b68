"""EC2 user data as cloud-init reads it: the shell scripts to run once at first boot."""

import base64
import binascii
import email
import gzip
from typing import cast

SHELL_PART_TYPES = {
    "text/x-shellscript",
    "text/x-shellscript-per-boot",
    "text/x-shellscript-per-instance",
}
CLOUD_INIT_MARKERS = (
    "#cloud-config",
    "#include",
    "#cloud-boothook",
    "#upstart-job",
    "#part-handler",
)


def decode(user_data: str | None) -> bytes:
    """The user data's bytes: base64 (as the API carries it) or plain text, maybe gzipped."""
    if not user_data:
        return b""
    try:
        raw = base64.b64decode(user_data, validate=True)
    except (binascii.Error, ValueError):
        raw = user_data.encode()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw


def shell_scripts(user_data: str | None) -> list[str]:
    """The shell scripts in the user data: the whole of it when it is a script (with or without
    ``#!``), the shell parts of a MIME multi-part archive; none for cloud-config and the like."""
    raw = decode(user_data)
    if not raw.strip():
        return []
    text = raw.decode("utf-8", "replace")
    if text.lstrip().lower().startswith(("content-type: multipart", "mime-version")):
        message = email.message_from_string(text)
        return [
            # a shell script part is not multipart: its decoded payload is bytes
            cast(bytes, part.get_payload(decode=True)).decode("utf-8", "replace")
            for part in message.walk()
            if part.get_content_type() in SHELL_PART_TYPES
        ]
    if text.lstrip().startswith(CLOUD_INIT_MARKERS):
        return []
    return [text]
