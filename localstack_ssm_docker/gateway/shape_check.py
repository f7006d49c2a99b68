"""Finds the first member of a parsed request that does not fit its botocore shape."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from botocore.model import ListShape, MapShape, Shape, StructureShape

_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "blob": (bytes, bytearray, str),
    "timestamp": (datetime.datetime, int, float, str),
}


@dataclass(frozen=True)
class ShapeProblem:
    """A member of the wrong type, or a required member left out."""

    kind: Literal["type", "missing"]
    path: str
    expected: str


def first_problem(shape: Shape, value: Any, path: str = "") -> ShapeProblem | None:
    """The first member (depth first) of the wrong type for ``shape``, or a missing required one."""
    if isinstance(shape, StructureShape):
        return _structure_problem(shape, value, path)
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            return ShapeProblem("type", path, "list")
        for index, item in enumerate(value):
            if problem := first_problem(shape.member, item, f"{path}[{index}]"):
                return problem
        return None
    if isinstance(shape, MapShape):
        if not isinstance(value, Mapping):
            return ShapeProblem("type", path, "map")
        for key, item in value.items():
            if problem := first_problem(shape.key, key, f"{path}.<key>"):
                return problem
            if problem := first_problem(shape.value, item, f"{path}.{key}"):
                return problem
        return None
    return _scalar_problem(shape, value, path)


def _structure_problem(shape: StructureShape, value: Any, path: str) -> ShapeProblem | None:
    if not isinstance(value, Mapping):
        return ShapeProblem("type", path, "structure")
    for name in shape.required_members:
        if value.get(name) is None:
            return ShapeProblem("missing", _join(path, name), shape.members[name].type_name)
    for name, member in shape.members.items():
        item = value.get(name)
        if item is not None and (problem := first_problem(member, item, _join(path, name))):
            return problem
    return None


def _scalar_problem(shape: Shape, value: Any, path: str) -> ShapeProblem | None:
    allowed = _SCALARS.get(shape.type_name)
    if allowed is None:
        return None
    wrong_bool = isinstance(value, bool) and shape.type_name != "boolean"
    if wrong_bool or not isinstance(value, allowed):
        return ShapeProblem("type", path, shape.type_name)
    return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
