"""Handlers in LocalStack's gateway chain that turn malformed SSM/EC2 requests into AWS 400 errors.

Every request to a served service is checked against the operation's input shapes once parsed
(``CheckShapes``): types and required members, and for JSON services every constraint the model
declares (``constraints``), so providers keep only the checks a model cannot express.

LocalStack answers a request its parser cannot read with a 500 InternalError, before any provider
runs. The exception handler below notes the AWS error instead; the response handler, which runs
after LocalStack's own exception serializer, writes it as the response.
"""

from typing import NamedTuple

from botocore.model import ServiceModel
from localstack.aws.api import CommonServiceException, RequestContext
from localstack.aws.chain import (
    CompositeExceptionHandler,
    CompositeHandler,
    CompositeResponseHandler,
)
from localstack.aws.protocol.parser import RequestParserError
from localstack.aws.protocol.serializer import create_serializer
from rolo.gateway import HandlerChain
from rolo.response import Response

from localstack_ssm_docker.gateway import client_errors
from localstack_ssm_docker.gateway.constraints import violations
from localstack_ssm_docker.gateway.shape_check import first_problem

_NOTED = "ssm_docker_client_error"


class _ForServices:
    def __init__(self, services: frozenset[str]):
        self.services = services

    def served(self, context: RequestContext) -> ServiceModel | None:
        """The request's service, if it is one of ours."""
        service = context.service
        return service if service is not None and service.service_name in self.services else None


class NoteParseFailures(_ForServices):
    """Exception handler: a parser failure becomes the AWS error to answer with."""

    def __call__(
        self,
        chain: HandlerChain[RequestContext],
        exception: Exception,
        context: RequestContext,
        response: Response,
    ) -> None:
        service = self.served(context)
        if service is not None and isinstance(exception, RequestParserError):
            error = client_errors.for_parse_failure(service.protocol, exception)
            setattr(context, _NOTED, error)


class AnswerParseFailures(_ForServices):
    """Response handler: replaces LocalStack's 500 with the noted AWS error."""

    def __call__(
        self, chain: HandlerChain[RequestContext], context: RequestContext, response: Response
    ) -> None:
        error: CommonServiceException | None = context.get(_NOTED)
        service = self.served(context)
        if error is None or service is None:
            return
        operation = context.operation or service.operation_model(service.operation_names[0])
        serializer = create_serializer(service, context.protocol)
        response.update_from(
            serializer.serialize_error_to_response(
                error, operation, context.request.headers, context.request_id
            )
        )
        context.service_exception = error


class CheckShapes(_ForServices):
    """Request handler after parsing: wrongly typed or missing members, and (for JSON services)
    values outside the model's lengths, ranges, patterns and enums, never reach a provider.

    A wrong type is reported first and alone, as AWS's deserializer would; a JSON service then
    reports every missing member and constraint violation together in one ValidationException.
    """

    def __call__(
        self, chain: HandlerChain[RequestContext], context: RequestContext, response: Response
    ) -> None:
        service = self.served(context)
        if service is None or context.operation is None:
            return
        input_shape = context.operation.input_shape
        if input_shape is None:
            return
        protocol = service.protocol
        validating = protocol in client_errors.VALIDATING_PROTOCOLS
        request = context.service_request
        xml_safe = protocol in client_errors.QUERY_PROTOCOLS
        if problem := first_problem(
            input_shape, request, xml_safe=xml_safe, required=not validating
        ):
            raise client_errors.for_shape_problem(protocol, problem)
        if validating and (found := violations(input_shape, request)):
            raise client_errors.for_violations(found)


class GatewayHandlers(NamedTuple):
    """The three handlers for one set of services, one per custom handler list."""

    request: CheckShapes
    response: AnswerParseFailures
    exception: NoteParseFailures


def gateway_handlers(services: frozenset[str]) -> GatewayHandlers:
    """The handlers for ``services``, for the host-mode hook and the extension alike."""
    return GatewayHandlers(
        CheckShapes(services), AnswerParseFailures(services), NoteParseFailures(services)
    )


type ServiceHandler = CheckShapes | AnswerParseFailures | NoteParseFailures


def add_once(
    handlers: CompositeHandler | CompositeExceptionHandler, handler: ServiceHandler
) -> None:
    """Appends `handler` unless the list holds one of its kind already: the host-mode hook and
    the extension may both offer LocalStack's lists the same handlers."""
    if not any(type(h) is type(handler) for h in handlers.handlers):
        handlers.append(handler)  # type: ignore[arg-type]


def install(
    services: frozenset[str],
    request_handlers: CompositeHandler,
    response_handlers: CompositeResponseHandler,
    exception_handlers: CompositeExceptionHandler,
) -> None:
    """Adds the three handlers for ``services`` to LocalStack's custom handler lists, once."""
    if not services:
        return
    ours = gateway_handlers(services)
    add_once(request_handlers, ours.request)
    add_once(response_handlers, ours.response)
    add_once(exception_handlers, ours.exception)
