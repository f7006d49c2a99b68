import pytest

from localstack_ssm_docker.imds.tokens import TokenIssuer, parse_ttl

ISSUER = TokenIssuer(b"k" * 32)


def test_token_valid_for_its_instance_until_it_expires():
    token = ISSUER.mint("i-1", 60, now=1000)
    assert ISSUER.check(token, "i-1", now=1000).valid
    assert ISSUER.check(token, "i-1", now=1030).remaining_seconds == 30
    assert not ISSUER.check(token, "i-1", now=1060).valid


def test_token_refused_for_another_instance_or_another_issuer():
    token = ISSUER.mint("i-1", 60, now=1000)
    assert not ISSUER.check(token, "i-2", now=1000).valid
    assert not TokenIssuer(b"other").check(token, "i-1", now=1000).valid


@pytest.mark.parametrize("token", ["", "x", "!!!!", "a" * 600, "aS0xOjk5OTk5OTk5OTk.", "Zm9v"])
def test_junk_tokens_are_refused(token):
    assert not ISSUER.check(token, "i-1", now=0).valid


def test_tampered_expiry_is_refused():
    import base64

    token = ISSUER.mint("i-1", 1, now=0)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    forged = raw.replace(b"i-1:1.", b"i-1:9999999999.")
    text = base64.urlsafe_b64encode(forged).decode().rstrip("=")
    assert not ISSUER.check(text, "i-1", now=0).valid


@pytest.mark.parametrize(
    ("value", "ttl"),
    [
        ("1", 1),
        ("21600", 21600),
        (" 60 ", 60),
        ("0", None),
        ("21601", None),
        ("-5", None),
        ("abc", None),
        ("", None),
        (None, None),
        ("1e3", None),
        ("9999999999999", None),
    ],
)
def test_ttl_header(value, ttl):
    assert parse_ttl(value) == ttl


def test_every_minted_token_checks_whatever_bytes_its_mac_holds():
    """(a MAC holding b"." once split the token in the wrong place: about one token in nine)"""
    issuer = TokenIssuer(b"k" * 32)
    for n in range(400):
        instance_id = f"i-{n:017x}"
        token = issuer.mint(instance_id, 60, 1000.0)
        assert issuer.check(token, instance_id, 1000.0).valid, token
