"""`{{ name }}` references in a step's inputs: which names a value refers to, and the value with
each reference replaced.

A string that is one reference and nothing else takes the referred value whole (a StringList
stays a list, an Integer a number), as AWS passes typed values to actions; a reference inside a
longer string is written into it as text.
"""

import json
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

_REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_:.\-]+)\s*\}\}")

AUTOMATION_VARIABLES = frozenset(
    {
        "automation:EXECUTION_ID",
        "automation:AUTOMATION_EXECUTION_ID",
        "global:ACCOUNT_ID",
        "global:REGION",
        "global:DATE",
        "global:DATE_TIME",
        "global:AWS_PARTITION",
        "global:AWS_URL_SUFFIX",
    }
)


class UnresolvedReference(KeyError):
    """A reference to a name the execution does not know (yet)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def references_in(value: Any) -> Iterator[str]:
    """Every name that `value` (a string, list or map, nested) refers to."""
    if isinstance(value, str):
        yield from (m.group(1) for m in _REFERENCE.finditer(value))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from references_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from references_in(item)


def resolve(value: Any, lookup: Callable[[str], Any]) -> Any:
    """`value` with its references replaced by what `lookup` gives (UnresolvedReference raised
    by `lookup` passes through)."""
    if isinstance(value, str):
        whole = _REFERENCE.fullmatch(value.strip())
        if whole:
            return lookup(whole.group(1))
        return _REFERENCE.sub(lambda m: as_text(lookup(m.group(1))), value)
    if isinstance(value, Mapping):
        return {k: resolve(v, lookup) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, lookup) for v in value]
    return value


def as_text(value: Any) -> str:
    """How a value reads inside a string (and in the API's string maps)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, default=str)


def automation_variables(
    execution_id: str, account_id: str, region: str, now: float
) -> dict[str, str]:
    """The values of AUTOMATION_VARIABLES for one execution at `now` (POSIX seconds)."""
    moment = datetime.fromtimestamp(now, UTC)
    return {
        "automation:EXECUTION_ID": execution_id,
        "automation:AUTOMATION_EXECUTION_ID": execution_id,
        "global:ACCOUNT_ID": account_id,
        "global:REGION": region,
        "global:DATE": moment.strftime("%Y-%m-%d"),
        "global:DATE_TIME": moment.strftime("%Y-%m-%d_%H.%M.%S"),
        "global:AWS_PARTITION": "aws",
        "global:AWS_URL_SUFFIX": "amazonaws.com",
    }
