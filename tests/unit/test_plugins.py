from localstack.aws.chain import (
    CompositeExceptionHandler,
    CompositeHandler,
    CompositeResponseHandler,
)
from localstack.http import Router

from localstack_ssm_docker.activation import register
from localstack_ssm_docker.gateway.handlers import (
    AnswerParseFailures,
    CheckShapes,
    NoteParseFailures,
    install,
)
from localstack_ssm_docker.plugins import SsmDockerExtension
from localstack_ssm_docker.ssm.sessions.endpoint import PATH


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
    assert request.handlers[0].services == frozenset({"ec2", "ssm", "autoscaling"})
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


def registrations(router: Router, *composites) -> tuple[list[str], list[list[type]], list]:
    """What a gateway holds: its routes, its handlers' kinds, and the services they serve."""
    services = [[h.services for h in c.handlers] for c in composites]
    return sorted(r.rule for r in router.url_map.iter_rules()), kinds(*composites), services


def test_the_extension_and_the_host_mode_hook_register_the_same_routes_and_handlers():
    extension = SsmDockerExtension()
    extension.on_extension_load()
    hook_router, hook_lists = Router(), lists()
    register(hook_router, *hook_lists)
    extension_router, extension_lists = Router(), lists()
    extension.update_gateway_routes(extension_router)
    offer(extension, *extension_lists)
    hooked = registrations(hook_router, *hook_lists)
    assert registrations(extension_router, *extension_lists) == hooked
    assert hooked[0] == [PATH]


def test_both_ways_together_add_the_data_channel_route_once():
    extension = SsmDockerExtension()
    extension.on_extension_load()
    router = Router()
    register(router, *lists())
    extension.update_gateway_routes(router)
    register(router, *lists())
    assert [r.rule for r in router.url_map.iter_rules()] == [PATH]
