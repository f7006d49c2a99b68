"""Finds the first member of a parsed request that does not fit its botocore shape: of the wrong
type (AWS cannot deserialize it), or a required one left out. The constraints of well-typed values
(lengths, ranges, patterns, enums) are ``constraints``' job."""

import datetime
import re
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

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry."""


@dataclass(frozen=True)
class ShapeProblem:
    """A member of the wrong type, a required member left out, or a string with a character that
    XML cannot carry (for protocols that answer in XML)."""

    kind: Literal["type", "missing", "character"]
    path: str
    expected: str


def first_problem(
    shape: Shape, value: Any, path: str = "", xml_safe: bool = False, required: bool = True
) -> ShapeProblem | None:
    """The first member (depth first) of the wrong type for ``shape``, or (with ``required``) a
    missing required one; with ``xml_safe``, also a string holding a character XML 1.0 does not
    allow."""
    if isinstance(shape, StructureShape):
        return _structure_problem(shape, value, path, xml_safe, required)
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            return ShapeProblem("type", path, "list")
        for index, item in enumerate(value):
            if problem := first_problem(shape.member, item, f"{path}[{index}]", xml_safe, required):
                return problem
        return None
    if isinstance(shape, MapShape):
        if not isinstance(value, Mapping):
            return ShapeProblem("type", path, "map")
        for key, item in value.items():
            if problem := first_problem(shape.key, key, f"{path}.<key>", xml_safe, required):
                return problem
            if problem := first_problem(shape.value, item, f"{path}.{key}", xml_safe, required):
                return problem
        return None
    return _scalar_problem(shape, value, path, xml_safe)


def _structure_problem(
    shape: StructureShape, value: Any, path: str, xml_safe: bool, required: bool
) -> ShapeProblem | None:
    if not isinstance(value, Mapping):
        return ShapeProblem("type", path, "structure")
    for name in shape.required_members if required else ():
        if value.get(name) is None:
            return ShapeProblem("missing", _join(path, name), shape.members[name].type_name)
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            continue
        if problem := first_problem(member, item, _join(path, name), xml_safe, required):
            return problem
    return None


def _scalar_problem(shape: Shape, value: Any, path: str, xml_safe: bool) -> ShapeProblem | None:
    allowed = _SCALARS.get(shape.type_name)
    if allowed is None:
        return None
    wrong_bool = isinstance(value, bool) and shape.type_name != "boolean"
    if wrong_bool or not isinstance(value, allowed):
        return ShapeProblem("type", path, shape.type_name)
    if xml_safe and isinstance(value, str) and _NOT_IN_XML.search(value):
        return ShapeProblem("character", path, shape.type_name)
    return None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
