"""The data channel's route and the token of the plugin's opening frame."""

import json

import pytest
from localstack.http import Request

from localstack_ssm_docker.ssm.sessions.endpoint import _token, data_channel


def test_a_request_that_is_not_a_websocket_upgrade_is_refused_with_a_reason():
    response = data_channel(Request("GET", "/v1/data-channel/s-1"), "s-1")
    assert response.status_code == 400
    assert json.loads(response.data) == {
        "message": "The data channel accepts WebSocket connections only."
    }


def test_the_token_is_the_opening_frames_token_value():
    opening = json.dumps({"MessageSchemaVersion": "1.0", "TokenValue": "tok", "ClientId": "c"})
    assert _token(opening) == "tok"


@pytest.mark.parametrize(
    "opening",
    [None, b'{"TokenValue": "tok"}', "not json", "[1]", '{"TokenValue": 7}', "{}"],
)
def test_anything_but_a_text_frame_with_a_string_token_has_no_token(opening):
    assert _token(opening) == ""
