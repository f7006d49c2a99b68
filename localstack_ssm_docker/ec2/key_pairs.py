"""The public key an instance launched with a key pair carries: what the metadata service serves
at ``public-keys/0/openssh-key`` and cloud-init puts in the default user's authorized_keys.

The key is read once, at launch, as on AWS: deleting or re-importing the key pair later does not
change what a running instance has.
"""

from collections.abc import Mapping
from typing import Protocol

from localstack_ssm_docker.ec2.exceptions import InvalidKeyPairNotFound


class KeyPair(Protocol):
    """A key pair as EC2's backend keeps it (CreateKeyPair or ImportKeyPair)."""

    @property
    def public_key(self) -> str:
        """The public key in OpenSSH's format, with or without a comment."""
        ...


def launch_key(key_pairs: Mapping[str, KeyPair], key_name: str | None) -> str | None:
    """The OpenSSH public key line an instance launched with `key_name` carries, or None
    without one; InvalidKeyPair.NotFound when the account and region have no such key pair."""
    if key_name is None:
        return None
    key_pair = key_pairs.get(key_name)
    if key_pair is None:
        raise InvalidKeyPairNotFound(key_name)
    return openssh_key(key_pair.public_key, key_name)


def openssh_key(public_key: str, key_name: str) -> str:
    """The key's type and base64 body with the key pair's name as its comment, as AWS serves it
    (an imported key's own comment is not kept)."""
    key_type, body = public_key.split()[:2]
    return f"{key_type} {body} {key_name}"
