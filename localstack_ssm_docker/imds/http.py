"""IMDS's HTTP semantics, pure: which status a request gets (tokens, methods, options), given
the asking instance's facts. The server in :mod:`.server` only parses bytes and writes these out.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from localstack_ssm_docker.imds.facts import (
    DISABLED,
    HTTP_TOKENS_REQUIRED,
    InstanceFacts,
    RoleCredentials,
)
from localstack_ssm_docker.imds.metadata import Signer, lookup
from localstack_ssm_docker.imds.tokens import TokenIssuer, parse_ttl

TOKEN_PATH = "/latest/api/token"
TOKEN_HEADER = "x-aws-ec2-metadata-token"
TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds"
TTL_RESPONSE_HEADER = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds"
READ_METHODS = ("GET", "HEAD")
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    413: "Payload Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
}


@dataclass(frozen=True)
class Request:
    """A parsed request; header names in lower case."""

    method: str
    target: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Response:
    """What to write back (the server adds Content-Length, Connection: close and Server)."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "text/plain"

    @property
    def reason(self) -> str:
        return _REASONS.get(self.status, "Error")


def error(status: int) -> Response:
    """An error page, as IMDS answers with a small HTML document."""
    title = f"{status} - {_REASONS.get(status, 'Error')}"
    body = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n'
        '\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n'
        f" <head>\n  <title>{title}</title>\n </head>\n"
        f" <body>\n  <h1>{title}</h1>\n </body>\n</html>\n"
    )
    return Response(status, body.encode(), content_type="text/html")


def respond(
    request: Request,
    facts: InstanceFacts | None,
    tokens: TokenIssuer,
    signer: Signer,
    credentials: Callable[[], RoleCredentials | None],
    now: float,
) -> Response | None:
    """The answer to `request` from the instance `facts` describes; None when nothing may answer
    (HttpEndpoint disabled: the connection is closed without a word)."""
    if facts is None:
        return error(404)
    if facts.options.http_endpoint == DISABLED:
        return None
    path = request.target.split("?", 1)[0]
    if path == TOKEN_PATH:
        return _token(request, facts, tokens, now)
    if request.method not in READ_METHODS:
        return Response(405, error(405).body, (("Allow", "GET, HEAD"),), "text/html")
    token = request.headers.get(TOKEN_HEADER)
    extra: tuple[tuple[str, str], ...] = ()
    if token is not None:
        check = tokens.check(token, facts.instance_id, now)
        if not check.valid:
            return error(401)
        extra = ((TTL_RESPONSE_HEADER, str(check.remaining_seconds)),)
    elif facts.options.http_tokens == HTTP_TOKENS_REQUIRED:
        return error(401)
    found = lookup(path, facts, signer, credentials)
    if found is None:
        return error(404)
    return Response(200, found.body, extra)


def _token(request: Request, facts: InstanceFacts, tokens: TokenIssuer, now: float) -> Response:
    if request.method != "PUT":
        return Response(405, error(405).body, (("Allow", "PUT"),), "text/html")
    if "x-forwarded-for" in request.headers:
        return error(403)
    ttl = parse_ttl(request.headers.get(TTL_HEADER))
    if ttl is None:
        return error(400)
    token = tokens.mint(facts.instance_id, ttl, now)
    return Response(200, token.encode(), ((TTL_RESPONSE_HEADER, str(ttl)),))
