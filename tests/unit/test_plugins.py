from localstack.aws.chain import (
    CompositeExceptionHandler,
    CompositeHandler,
    CompositeResponseHandler,
)

from localstack_ssm_docker.gateway.handlers import (
    AnswerParseFailures,
    CheckShapes,
    NoteParseFailures,
    install,
)
from localstack_ssm_docker.plugins import SsmDockerExtension


def lists() -> tuple[CompositeHandler, CompositeResponseHandler, CompositeExceptionHandler]:
    return CompositeHandler(), CompositeResponseHandler(), CompositeExceptionHandler()


def offer(extension: SsmDockerExtension, request, response, exception) -> None:
    extension.update_request_handlers(request)
    extension.update_response_handlers(response)
    extension.update_exception_handlers(exception)


def kinds(*composites) -> list[list[type]]:
    return [[type(h) for h in c.handlers] for c in composites]


def test_the_extension_adds_the_gateway_handlers_through_the_extension_api():
    request, response, exception = lists()
    extension = SsmDockerExtension()
    extension.on_extension_load()
    offer(extension, request, response, exception)
    assert kinds(request, response, exception) == [
        [CheckShapes],
        [AnswerParseFailures],
        [NoteParseFailures],
    ]
    assert request.handlers[0].services == frozenset({"ec2", "ssm"})
    assert response.handlers[0].services is request.handlers[0].services


def test_the_handlers_are_added_once_whichever_path_comes_first():
    extension = SsmDockerExtension()
    extension.on_extension_load()
    services = frozenset({"ssm"})
    extension_first = lists()
    offer(extension, *extension_first)
    offer(extension, *extension_first)
    install(services, *extension_first)
    hook_first = lists()
    install(services, *hook_first)
    install(services, *hook_first)
    offer(extension, *hook_first)
    expected = [[CheckShapes], [AnswerParseFailures], [NoteParseFailures]]
    assert kinds(*extension_first) == kinds(*hook_first) == expected


def test_no_handlers_when_no_service_is_ours():
    composites = lists()
    install(frozenset(), *composites)
    assert kinds(*composites) == [[], [], []]
