import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from localstack_ssm_docker.instance_connect.exceptions import InvalidArgsException
from localstack_ssm_docker.instance_connect.provider import openssh_public_key


def _openssh(key) -> str:
    return key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()


def test_ed25519_and_rsa_keys_are_kept_as_one_line_without_their_comment():
    ed = _openssh(ed25519.Ed25519PrivateKey.generate().public_key())
    assert openssh_public_key(f"{ed} me@laptop\n") == ed
    rsa_key = _openssh(rsa.generate_private_key(65537, 2048).public_key())
    assert openssh_public_key(rsa_key) == rsa_key


@pytest.mark.parametrize(
    "text",
    [
        "not a key at all, but long enough to pass the model's eighty character minimum length",
        _openssh(rsa.generate_private_key(65537, 1024).public_key()),
        _openssh(ec.generate_private_key(ec.SECP256R1()).public_key()),
        'command="sh" ' + _openssh(ed25519.Ed25519PrivateKey.generate().public_key()),
    ],
    ids=["garbage", "short-rsa", "ecdsa", "with-options"],
)
def test_other_keys_are_invalid_args(text):
    with pytest.raises(InvalidArgsException) as raised:
        openssh_public_key(text)
    assert raised.value.code == "InvalidArgsException"
