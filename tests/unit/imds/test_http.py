import pytest

from localstack_ssm_docker.imds.http import TOKEN_PATH, Request, respond
from localstack_ssm_docker.imds.tokens import TokenIssuer
from tests.unit.imds.conftest import CREDENTIALS, FakeSigner, make_facts, with_options

TOKENS = TokenIssuer(b"secret")
NOW = 1_000_000.0


def call(method="GET", target="/latest/meta-data/instance-id", headers=None, facts=None, now=NOW):
    facts = make_facts() if facts is None else facts
    return respond(
        Request(method, target, headers or {}),
        facts,
        TOKENS,
        FakeSigner(),
        lambda: CREDENTIALS,
        now,
    )


def token_for(facts=None, ttl="60"):
    response = call("PUT", TOKEN_PATH, {"x-aws-ec2-metadata-token-ttl-seconds": ttl}, facts)
    assert response.status == 200
    assert dict(response.headers)["X-Aws-Ec2-Metadata-Token-Ttl-Seconds"] == ttl
    return response.body.decode()


def test_imdsv1_get():
    response = call()
    assert (response.status, response.body) == (200, b"i-0123456789abcdef0")


def test_imdsv2_token_then_get():
    token = token_for()
    response = call(headers={"x-aws-ec2-metadata-token": token})
    assert response.status == 200
    assert dict(response.headers)["X-Aws-Ec2-Metadata-Token-Ttl-Seconds"] == "60"


def test_required_tokens_refuse_requests_without_one():
    facts = with_options(make_facts(), http_tokens="required")
    assert call(facts=facts).status == 401
    token = token_for(facts)
    assert call(headers={"x-aws-ec2-metadata-token": token}, facts=facts).status == 200


def test_expired_or_foreign_tokens_are_refused_even_when_optional():
    token = token_for()
    assert call(headers={"x-aws-ec2-metadata-token": token}, now=NOW + 61).status == 401
    other = make_facts(instance_id="i-0aaaaaaaaaaaaaaaa")
    assert call(headers={"x-aws-ec2-metadata-token": token}, facts=other).status == 401


@pytest.mark.parametrize("ttl", ["0", "21601", "x", "", "-1"])
def test_bad_ttl_is_400(ttl):
    assert call("PUT", TOKEN_PATH, {"x-aws-ec2-metadata-token-ttl-seconds": ttl}).status == 400


def test_missing_ttl_is_400():
    assert call("PUT", TOKEN_PATH).status == 400


def test_token_put_through_a_proxy_is_refused():
    headers = {"x-aws-ec2-metadata-token-ttl-seconds": "60", "x-forwarded-for": "1.2.3.4"}
    assert call("PUT", TOKEN_PATH, headers).status == 403


@pytest.mark.parametrize("method", ["POST", "DELETE", "PATCH", "OPTIONS", "PUT", "FOO"])
def test_wrong_methods_on_metadata_are_405(method):
    assert call(method).status == 405


@pytest.mark.parametrize("method", ["GET", "POST", "HEAD", "DELETE"])
def test_wrong_methods_on_the_token_path_are_405(method):
    assert call(method, TOKEN_PATH).status == 405


def test_unknown_path_404_and_html_body():
    response = call(target="/latest/meta-data/nope")
    assert response.status == 404 and b"404 - Not Found" in response.body


def test_query_string_ignored():
    assert call(target="/latest/meta-data/instance-id?x=1").body == b"i-0123456789abcdef0"


def test_disabled_endpoint_answers_nothing():
    facts = with_options(make_facts(), http_endpoint="disabled")
    assert call(facts=facts) is None
    assert call("PUT", TOKEN_PATH, {"x-aws-ec2-metadata-token-ttl-seconds": "5"}, facts) is None


def test_unknown_caller_gets_404():
    assert (
        respond(
            Request("GET", "/latest/", {}), None, TOKENS, FakeSigner(), lambda: None, NOW
        ).status
        == 404
    )
