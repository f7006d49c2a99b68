"""Hypothesis strategies for request members: mostly plausible values of the botocore shape, and
wrong types, empty, oversized and unicode values, huge maps and forged tokens mixed in."""

import base64

from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import strategies as st

MAX_DEPTH = 4

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)

oversized = st.sampled_from(["a" * 5000, "é" * 70000, "i-" + "0" * 300, "\u0000\uffff" * 100])

forged_tokens = st.one_of(
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", max_size=80
    ),
    st.binary(max_size=60).map(lambda b: base64.b64encode(b).decode()),
)


def values(shape: Shape, known: list[str], depth: int = 0) -> st.SearchStrategy:
    """A value for ``shape`` that is often right, sometimes junk; ``known`` holds real ids."""
    return (
        st.one_of(_plausible(shape, known, depth), junk)
        if depth
        else _plausible(shape, known, depth)
    )


def _plausible(shape: Shape, known: list[str], depth: int) -> st.SearchStrategy:
    if isinstance(shape, StructureShape):
        if depth >= MAX_DEPTH:
            return st.just({})
        members = {name: values(member, known, depth + 1) for name, member in shape.members.items()}
        return st.fixed_dictionaries({}, optional=members)
    if isinstance(shape, ListShape):
        items = values(shape.member, known, depth + 1)
        return st.lists(items, max_size=4) | st.lists(items, min_size=60, max_size=120)
    if isinstance(shape, MapShape):
        keys = st.text(max_size=12) | st.sampled_from(["commands", "executionTimeout", "tag:Env"])
        items = values(shape.value, known, depth + 1)
        return st.dictionaries(keys, items, max_size=3) | st.dictionaries(
            st.text(min_size=1, max_size=6), items, min_size=150, max_size=300
        )
    return _scalar(shape, known)


def _scalar(shape: Shape, known: list[str]) -> st.SearchStrategy:
    kind = shape.type_name
    if kind == "string":
        choices = [st.text(max_size=40), oversized, st.just("")]
        if shape.enum:
            choices.append(st.sampled_from(shape.enum))
        if known:
            choices.append(st.sampled_from(known))
        if shape.name.endswith("Token") or "Token" in shape.name:
            choices.append(forged_tokens)
        return st.one_of(*choices)
    if kind in ("integer", "long"):
        return st.integers(min_value=-(2**40), max_value=2**40) | st.sampled_from([0, 1, 5, 50])
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.integers(min_value=-(2**33), max_value=2**35) | st.text(max_size=30)
    return st.text(max_size=20)
