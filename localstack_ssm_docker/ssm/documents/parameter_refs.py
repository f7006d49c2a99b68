"""The ``{{ ... }}`` references of documents and parameters: a document's ``{{ name }}``
placeholders for its own parameters, and ``{{ssm:name}}`` / ``{{ssm:name:version}}`` references in
command parameters, resolved from Parameter Store at run time as the agent resolves them
(SecureString values are refused)."""

import re
from collections.abc import Callable

PLACEHOLDER = re.compile(r"\{\{[\t\n\f\r ]*([A-Za-z0-9_.-]+)[\t\n\f\r ]*\}\}")
"""A document's ``{{ name }}``, by the agent's rule (parameters.ReplaceParameter: the name between
``{{`` and ``}}``, with any of Go's ``\\s`` whitespace around it); a name no parameter declares
is left as written. Names take letters, digits, ``_``, ``.`` and ``-``."""
REFERENCE = re.compile(r"\{\{ *ssm:([/\w.:-]+) *\}\}")
BATCH_SIZE = 10


class ParameterResolutionError(Exception):
    """A reference could not be resolved; the message is the agent's."""


type Parameters = dict[str, list[str]]
type Lookup = Callable[[list[str]], tuple[dict[str, tuple[str, str]], list[str]]]
"""names → ({name: (type, value)} found, [names] not found), as GetParameters answers."""


def has_references(parameters: Parameters) -> bool:
    """Whether any parameter value refers to Parameter Store."""
    return any(REFERENCE.search(v) for values in parameters.values() for v in values)


def resolve(parameters: Parameters, lookup: Lookup) -> Parameters:
    """The parameters with every reference replaced by the parameter's value."""
    names = list(
        dict.fromkeys(
            m.group(1)
            for values in parameters.values()
            for v in values
            for m in REFERENCE.finditer(v)
        )
    )
    found: dict[str, tuple[str, str]] = {}
    invalid: list[str] = []
    for start in range(0, len(names), BATCH_SIZE):
        batch_found, batch_invalid = lookup(names[start : start + BATCH_SIZE])
        found.update(batch_found)
        invalid += batch_invalid
    if invalid:
        raise ParameterResolutionError(f"Input contains invalid parameters [{' '.join(invalid)}]")
    secure = [name for name, (kind, _) in found.items() if kind == "SecureString"]
    if secure:
        raise ParameterResolutionError(
            f"Parameters [{' '.join(secure)}] of type SecureString are not supported"
        )
    return {
        key: [REFERENCE.sub(lambda m: found[m.group(1)][1], v) for v in values]
        for key, values in parameters.items()
    }
