"""The head of a script's output stream, bounded: a script that writes gigabytes must not cost
the LocalStack process more than the output limit, yet the full size is reported."""


class BoundedBuffer:
    """Keeps the first `limit` bytes written and counts them all."""

    def __init__(self, limit: int):
        self._limit = limit
        self._parts: list[bytes] = []
        self._kept = 0
        self.size = 0

    def write(self, chunk: bytes | None) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        room = self._limit - self._kept
        if room > 0:
            part = chunk[:room]
            self._parts.append(part)
            self._kept += len(part)

    def value(self) -> bytes:
        return b"".join(self._parts)
