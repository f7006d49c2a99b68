"""Text written to a new CloudWatch Logs stream through PutLogEvents, the one writer for Run
Command's output and session transcripts: a log event per line, in batches within AWS's limits
(an event's size is its message's UTF-8 bytes + 26, at most 256 KiB; a batch at most 1 MiB and
10,000 events)."""

import time
from typing import Any

LOG_EVENT_OVERHEAD = 26
"""Bytes CloudWatch Logs counts for each event beside its message's UTF-8 bytes."""
LOG_EVENT_MAX_SIZE = 256 * 1024
"""The largest event PutLogEvents takes (message bytes + LOG_EVENT_OVERHEAD)."""
LOG_BATCH_MAX_SIZE = 1_048_576
"""The largest PutLogEvents batch (the sum of its events' sizes)."""
LOG_BATCH_MAX_EVENTS = 10_000


def write_log_stream(logs: Any, group: str, stream: str, text: str) -> None:
    """Creates the stream in the (existing) group and puts the text's events into it; the
    client's errors are raised."""
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    for batch in log_batches(text):
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)


def log_batches(text: str) -> list[list[dict]]:
    """The text as log events (a line each, a line too long for one event split between
    characters) in batches within PutLogEvents' limits: an event's size (its message's UTF-8
    bytes + 26) at most 256 KiB, a batch's at most 1 MiB and 10,000 events."""
    now = int(time.time() * 1000)
    batches: list[list[dict]] = [[]]
    size = 0
    for line in text.splitlines() or [text]:
        for message in _event_messages(line):
            cost = len(message.encode()) + LOG_EVENT_OVERHEAD
            if size + cost > LOG_BATCH_MAX_SIZE or len(batches[-1]) >= LOG_BATCH_MAX_EVENTS:
                batches.append([])
                size = 0
            batches[-1].append({"timestamp": now, "message": message})
            size += cost
    return [b for b in batches if b]


def _event_messages(line: str) -> list[str]:
    """The line in pieces of at most one event's message bytes, cut between characters (an
    empty line is one space: an event's message cannot be empty)."""
    data = line.encode()
    limit = LOG_EVENT_MAX_SIZE - LOG_EVENT_OVERHEAD
    pieces = []
    start = 0
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a character
            end -= 1
        pieces.append(data[start:end].decode())
        start = end
    return pieces or [" "]
