"""The constraints a request's botocore shapes carry — length (``min``/``max`` of strings, lists,
maps and blobs), numeric range, ``pattern`` and ``enum`` — checked and worded as AWS's JSON
services do, so that no provider re-types a limit the service model already holds.

AWS checks these before any operation runs and reports every violation of a request in one
ValidationException: ``2 validation errors detected: Value '...' at 'comment' failed to satisfy
constraint: Member must have length less than or equal to 100; ...``. Member paths are AWS's:
camelCase member names, ``instanceIds.1.member`` for list items, ``<map>.<key>.member`` into map
values; a map's keys and values are judged together (``Map keys must satisfy constraint: [...]``).
Values are shown as Java's ``toString`` shows them (``[a, b]``, ``{k=v}``); values of sensitive
shapes (and of anything inside one) are not echoed.

Patterns are Java regular expressions that AWS matches against the whole value
(``String.matches``), with ASCII ``\\w``, ``\\d`` and ``\\s``. They are compiled with the ``regex``
package, which knows Java's ``\\p{L}`` classes. A pattern that cannot be compiled, or whose match
takes too long, is not enforced: a check must never turn a request into a server error.

Nothing here knows the protocol: ``handlers.CheckShapes`` applies it to JSON services only.
"""

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex
from botocore.model import ListShape, MapShape, Shape, StructureShape

PATTERN_TIMEOUT_SECONDS = 0.2
"""Longest a pattern may take on one value before the check gives up on it."""

_SIZED = frozenset({"string", "list", "map", "blob"})
_NUMBERS = frozenset({"integer", "long", "float", "double"})
_NOT_NULL = "Member must not be null"


@dataclass(frozen=True)
class Violation:
    """One constraint a member fails; ``value`` None means the required member is missing."""

    path: str
    value: Any
    constraint: str
    sensitive: bool = False

    def __str__(self) -> str:
        if self.value is None:
            shown = " null"
        elif self.sensitive:
            shown = ""
        else:
            shown = f" '{java_string(self.value)}'"
        return f"Value{shown} at '{self.path}' failed to satisfy constraint: {self.constraint}"


def violations(shape: Shape, value: Any) -> list[Violation]:
    """Every constraint of ``shape`` (and of its members, depth first) that ``value`` fails.
    Members of the wrong type are passed over: finding those is ``shape_check``'s job."""
    return list(_walk(shape, value, "", False))


def message(found: Sequence[Violation]) -> str:
    """AWS's ValidationException message for ``found`` (at least one violation)."""
    noun = "error" if len(found) == 1 else "errors"
    return f"{len(found)} validation {noun} detected: " + "; ".join(map(str, found))


def java_string(value: Any) -> str:
    """``value`` as AWS echoes it: the Java ``toString`` of the deserialized member."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{java_string(k)}={java_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(java_string, value)) + "]"
    return str(value)


def _walk(shape: Shape, value: Any, path: str, sensitive: bool) -> Iterator[Violation]:
    sensitive = sensitive or bool(shape.metadata.get("sensitive"))
    for constraint in _failed(shape, value):
        yield Violation(path, value, constraint, sensitive)
    yield from _inside(shape, value, path, sensitive)


def _inside(shape: Shape, value: Any, path: str, sensitive: bool) -> Iterator[Violation]:
    """Violations of the members, items or entries of ``value``."""
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        if not shape.is_document_type:
            yield from _structure(shape, value, path, sensitive)
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value, start=1):
            if item is not None:
                yield from _walk(shape.member, item, f"{path}.{index}.member", sensitive)
    elif isinstance(shape, MapShape) and isinstance(value, Mapping):
        yield from _map(shape, value, path, sensitive)


def _structure(
    shape: StructureShape, value: Mapping, path: str, sensitive: bool
) -> Iterator[Violation]:
    # LocalStack's JSON parser fills in nothing but the required members a request left out, as
    # None: those are AWS's "must not be null" violations, so no filled-in member is judged here.
    required = set(shape.required_members)
    for name, member in shape.members.items():
        member_path = f"{path}.{_camel(name)}" if path else _camel(name)
        item = value.get(name)
        if item is not None:
            yield from _walk(member, item, member_path, sensitive)
        elif name in required:
            yield Violation(member_path, None, _NOT_NULL, sensitive)


def _map(shape: MapShape, value: Mapping, path: str, sensitive: bool) -> Iterator[Violation]:
    """AWS judges a map's keys together, and its values together, naming every constraint."""
    sensitive = sensitive or bool(shape.value.metadata.get("sensitive"))
    if any(_failed(shape.key, key) for key in value):
        every = ", ".join(_declared(shape.key))
        yield Violation(path, value, f"Map keys must satisfy constraint: [{every}]", sensitive)
    if any(item is not None and _failed(shape.value, item) for item in value.values()):
        every = ", ".join(_declared(shape.value))
        yield Violation(path, value, f"Map value must satisfy constraint: [{every}]", sensitive)
    for key, item in value.items():
        if item is not None:
            yield from _inside(shape.value, item, f"{path}.{key}.member", sensitive)


def _failed(shape: Shape, value: Any) -> list[str]:
    """The constraints of ``shape`` itself (not of its members) that ``value`` fails."""
    metadata = shape.metadata
    failed: list[str] = []
    low, high = metadata.get("min"), metadata.get("max")
    if shape.type_name in _SIZED and isinstance(value, str | bytes | bytearray | list | Mapping):
        if low is not None and len(value) < low:
            failed.append(_length_at_least(low))
        elif high is not None and len(value) > high:
            failed.append(_length_at_most(high))
    elif shape.type_name in _NUMBERS and _is_number(value):
        if low is not None and value < low:
            failed.append(_value_at_least(shape, low))
        elif high is not None and value > high:
            failed.append(_value_at_most(shape, high))
    if shape.type_name == "string" and isinstance(value, str):
        pattern = metadata.get("pattern")
        if pattern is not None and not _matches(pattern, value):
            failed.append(_pattern(pattern))
        enum = metadata.get("enum")
        if enum and value not in enum:
            failed.append(_enum(enum))
    return failed


def _declared(shape: Shape) -> list[str]:
    """Every constraint of ``shape`` itself, in the order AWS lists them for map keys and values."""
    metadata = shape.metadata
    declared: list[str] = []
    low, high = metadata.get("min"), metadata.get("max")
    if shape.type_name in _SIZED:
        declared += [_length_at_most(high)] if high is not None else []
        declared += [_length_at_least(low)] if low is not None else []
    elif shape.type_name in _NUMBERS:
        declared += [_value_at_most(shape, high)] if high is not None else []
        declared += [_value_at_least(shape, low)] if low is not None else []
    if shape.type_name == "string" and metadata.get("pattern") is not None:
        declared.append(_pattern(metadata["pattern"]))
    if shape.type_name == "string" and metadata.get("enum"):
        declared.append(_enum(metadata["enum"]))
    return declared


def _length_at_least(low: int) -> str:
    return f"Member must have length greater than or equal to {low}"


def _length_at_most(high: int) -> str:
    return f"Member must have length less than or equal to {high}"


def _value_at_least(shape: Shape, low: float) -> str:
    return f"Member must have value greater than or equal to {_number(shape, low)}"


def _value_at_most(shape: Shape, high: float) -> str:
    return f"Member must have value less than or equal to {_number(shape, high)}"


def _pattern(pattern: str) -> str:
    return f"Member must satisfy regular expression pattern: {pattern}"


def _enum(enum: Sequence[str]) -> str:
    return f"Member must satisfy enum value set: [{', '.join(enum)}]"


def _number(shape: Shape, bound: float) -> str:
    """A bound as Java prints it: ``30`` for integers, ``0.0`` for floating point members."""
    return str(float(bound)) if shape.type_name in ("float", "double") else str(int(bound))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _matches(pattern: str, value: str) -> bool:
    """Whether the whole of ``value`` matches; True when the pattern cannot be judged."""
    compiled = _compiled(pattern)
    if compiled is None:
        return True
    try:
        return compiled.fullmatch(value, timeout=PATTERN_TIMEOUT_SECONDS) is not None
    except TimeoutError:
        return True


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> "regex.Pattern[str] | None":
    try:
        return regex.compile(_ascii_classes(pattern))
    except (regex.error, ValueError, OverflowError, RecursionError):
        return None


_ASCII_SPACE = r" \t\n\x0B\f\r"
_OUTSIDE_SETS = {
    "w": "[a-zA-Z0-9_]",
    "d": "[0-9]",
    "s": f"[{_ASCII_SPACE}]",
    "W": "[^a-zA-Z0-9_]",
    "D": "[^0-9]",
    "S": f"[^{_ASCII_SPACE}]",
}
_INSIDE_SETS = {"w": "a-zA-Z0-9_", "d": "0-9", "s": _ASCII_SPACE}
"""What Java's ``\\w``, ``\\d``, ``\\s`` (and their negations) match: ASCII sets, where Python's
are Unicode. (``regex``'s ASCII flag would also narrow ``\\p{L}``, which Java keeps Unicode.)"""


def _ascii_classes(pattern: str) -> str:
    """``pattern`` with ``\\w``, ``\\d`` and ``\\s`` spelled out as the ASCII sets Java means."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            out.append(_OUTSIDE_SETS.get(pattern[index + 1], pattern[index : index + 2]))
            index += 2
        elif char == "[":
            end = _set_end(pattern, index)
            out.append(_inside_set(pattern[index:end]))
            index = end
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _set_end(pattern: str, start: int) -> int:
    """The index just after the character set opening at ``start``."""
    index = start + 1
    if pattern.startswith("^", index):
        index += 1
    if pattern.startswith("]", index):  # a ] first in the set is a literal
        index += 1
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
        elif pattern[index] == "]":
            return index + 1
        else:
            index += 1
    return len(pattern)


def _inside_set(text: str) -> str:
    """A character set with its ``\\w``, ``\\d``, ``\\s`` made ASCII; left as it is when it also
    holds a negated one (``[\\s\\S]``), which a flat set cannot narrow the same way."""
    escapes = [text[i + 1] for i in range(len(text) - 1) if text[i] == "\\"]
    if any(e in "WDS" for e in escapes):
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text):
            out.append(_INSIDE_SETS.get(text[index + 1], text[index : index + 2]))
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]
