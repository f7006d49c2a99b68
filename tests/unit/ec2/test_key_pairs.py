from dataclasses import dataclass

import pytest

from localstack_ssm_docker.ec2.exceptions import InvalidKeyPairNotFound
from localstack_ssm_docker.ec2.key_pairs import launch_key, openssh_key

BODY = "AAAAC3NzaC1lZDI1NTE5AAAAIHk9"


@dataclass(frozen=True)
class KeyPair:
    public_key: str


def test_no_key_name_means_no_key():
    assert launch_key({}, None) is None


def test_the_key_carries_the_key_pairs_name_as_its_comment():
    assert launch_key({"deploy": KeyPair(f"ssh-ed25519 {BODY}")}, "deploy") == (
        f"ssh-ed25519 {BODY} deploy"
    )


def test_an_imported_keys_own_comment_gives_way_to_the_key_pairs_name():
    assert openssh_key(f"ssh-rsa {BODY} me@laptop\n", "ci") == f"ssh-rsa {BODY} ci"


def test_an_unknown_key_name_is_refused_as_aws_refuses_it():
    with pytest.raises(InvalidKeyPairNotFound) as raised:
        launch_key({"deploy": KeyPair(f"ssh-ed25519 {BODY}")}, "missing")
    assert raised.value.code == "InvalidKeyPair.NotFound"
    assert raised.value.message == "The key pair 'missing' does not exist"
