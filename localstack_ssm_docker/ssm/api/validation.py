"""Request checks the SSM service does beyond botocore's (lengths, ranges, patterns), reported
as AWS reports them: ``N validation error(s) detected: Value ... at ... failed to satisfy ...``."""

import re
from collections.abc import Sequence

from localstack.aws.api.ssm import ValidationException

INSTANCE_ID_PATTERN = r"(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)"
DOCUMENT_NAME_PATTERN = r"^[a-zA-Z0-9_\-.:/]{3,128}$"
DOCUMENT_VERSION_PATTERN = r"([$]LATEST|[$]DEFAULT|^[1-9][0-9]*$)"
MAX_CONCURRENCY_PATTERN = r"^([1-9][0-9]*|[1-9][0-9]%|[1-9]%|100%)$"
MAX_ERRORS_PATTERN = r"^([1-9][0-9]*|[0]|[1-9][0-9]%|[0-9]%|100%)$"


class Checks:
    """Collects constraint violations of one request and raises them together."""

    def __init__(self) -> None:
        self._violations: list[str] = []

    def _add(self, value: object, member: str, constraint: str) -> None:
        shown = "[" + ", ".join(map(str, value)) + "]" if isinstance(value, list) else value
        self._violations.append(
            f"Value '{shown}' at '{member}' failed to satisfy constraint: Member must {constraint}"
        )

    def length(self, value: str | Sequence | None, member: str, low: int = 0, high: int = 0):
        """Length (of a string or list) within [low, high]; high 0 means unbounded."""
        if value is None:
            return
        if len(value) < low:
            self._add(value, member, f"have length greater than or equal to {low}")
        elif high and len(value) > high:
            self._add(value, member, f"have length less than or equal to {high}")

    def range(self, value: int | None, member: str, low: int, high: int) -> None:
        """A number within [low, high]."""
        if value is None:
            return
        if value < low:
            self._add(value, member, f"have value greater than or equal to {low}")
        elif value > high:
            self._add(value, member, f"have value less than or equal to {high}")

    def pattern(self, value: str | None, member: str, regex: str) -> None:
        """A string matching the model's regular expression."""
        if value is not None and not re.search(regex, value):
            self._add(value, member, f"satisfy regular expression pattern: {regex}")

    def instance_ids(self, ids: list[str] | None, member: str, high: int = 50) -> None:
        """A list of at most `high` instance ids, each of the model's form."""
        if ids is None:
            return
        self.length(ids, member, 0, high)
        for index, instance_id in enumerate(ids, start=1):
            self.pattern(instance_id, f"{member}.{index}.member", INSTANCE_ID_PATTERN)

    def instance_id(self, value: str | None, member: str = "instanceId") -> None:
        """One instance id of the model's form."""
        self.pattern(value, member, INSTANCE_ID_PATTERN)

    def command_id(self, value: str | None, member: str = "commandId") -> None:
        """A command id: exactly 36 characters."""
        self.length(value, member, 36, 36)

    def raise_if_any(self) -> None:
        """Raises ValidationException listing every violation found, if any."""
        if not self._violations:
            return
        count = len(self._violations)
        noun = "error" if count == 1 else "errors"
        raise ValidationException(
            f"{count} validation {noun} detected: " + "; ".join(self._violations)
        )
