"""The AWS error for a request that cannot be parsed, does not fit the operation's shapes, or
fails their constraints."""

from collections.abc import Sequence

from botocore.model import OperationNotFoundError
from localstack.aws.api import CommonServiceException
from localstack.aws.protocol.parser import (
    OperationNotFoundParserError,
    ProtocolParserError,
    RequestParserError,
)

from localstack_ssm_docker.gateway import constraints
from localstack_ssm_docker.gateway.shape_check import ShapeProblem

QUERY_PROTOCOLS = frozenset({"ec2", "query"})
VALIDATING_PROTOCOLS = frozenset({"json"})
"""Protocols whose services check the model's constraints before an operation runs and answer
ValidationException in the form ``constraints`` writes. EC2 (the ``ec2`` query protocol) is not one:
it answers InvalidParameterValue or MissingParameter in its own words, and its model holds few
constraints, so its providers check what they need."""


def for_parse_failure(protocol: str, error: RequestParserError) -> CommonServiceException:
    """AWS answers an undecodable request with 400: an unknown action, or SerializationException."""
    unknown = isinstance(error, OperationNotFoundParserError) or isinstance(
        error.__cause__, OperationNotFoundError
    )
    if unknown and protocol in QUERY_PROTOCOLS:
        return CommonServiceException(
            "InvalidAction", "The action is not valid for this web service."
        )
    if unknown:
        return CommonServiceException("UnknownOperationException", "The operation is not known.")
    reason = _printable(_reason(error))
    return CommonServiceException(
        "SerializationException", f"The request could not be deserialized: {reason}"
    )


def for_shape_problem(protocol: str, problem: ShapeProblem) -> CommonServiceException:
    """A wrong type is a SerializationException; a missing member is AWS's validation error;
    an unusable character InvalidParameterValue."""
    path = _printable(problem.path)
    if problem.kind == "character":
        return CommonServiceException(
            "InvalidParameterValue",
            f"The value of {path} contains a character that is not allowed.",
        )
    if problem.kind == "type":
        return CommonServiceException(
            "SerializationException",
            f"The value of {path} cannot be read as {problem.expected}.",
        )
    if protocol in QUERY_PROTOCOLS:
        return CommonServiceException(
            "MissingParameter", f"The request must contain the parameter {path}"
        )
    return CommonServiceException(
        "ValidationException",
        f"1 validation error detected: Value null at '{_camel(path)}' failed to "
        "satisfy constraint: Member must not be null",
    )


def for_violations(found: Sequence[constraints.Violation]) -> CommonServiceException:
    """AWS's ValidationException listing every constraint violation of a request."""
    return CommonServiceException("ValidationException", constraints.message(found))


def _reason(error: RequestParserError) -> str:
    if isinstance(error, ProtocolParserError) or error.__cause__ is None:
        return str(error)
    return str(error.__cause__)


def _camel(path: str) -> str:
    return ".".join(part[:1].lower() + part[1:] for part in path.split("."))


def _printable(text: str) -> str:
    """Echoed request text without control characters (they would break an XML reply)."""
    return "".join(c if c.isprintable() else "?" for c in text)
