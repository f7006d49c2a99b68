"""LocalStack has no EC2 Instance Connect: this provider answers SendSSHPublicKey for the
Docker-backed instances (the key goes to the store the metadata service reads) and
SendSerialConsoleSSHPublicKey with AWS's answer for an account without serial console access.

Each request is checked against the model first (the instance id's pattern, the key's length,
the OS user's grammar), with the gateway's shape and constraint checks: AWS words a violation as
other JSON services do, under this service's own code, InvalidArgsException.
"""

from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from localstack.aws.api import RequestContext, handler
from moto.ec2.models import ec2_backends

from localstack_ssm_docker.gateway import client_errors, constraints
from localstack_ssm_docker.gateway.shape_check import first_problem
from localstack_ssm_docker.instance_connect.exceptions import (
    EC2InstanceNotFoundException,
    EC2InstanceStateInvalidException,
    InvalidArgsException,
    SerialConsoleAccessDisabledException,
)
from localstack_ssm_docker.instance_connect.keys import InstanceConnectKeys

SERVICE = "ec2-instance-connect"
_RUNNING = "running"
_MIN_RSA_BITS = 2048


class InstanceConnectProvider:
    """SendSSHPublicKey and SendSerialConsoleSSHPublicKey."""

    service = SERVICE

    def __init__(self, keys: InstanceConnectKeys):
        self._keys = keys

    @handler("SendSSHPublicKey", expand=False)
    def send_ssh_public_key(self, context: RequestContext, request: dict[str, Any]) -> dict:
        check_request(context, request)
        instance_id = request["InstanceId"]
        _require_running(context, instance_id, request.get("AvailabilityZone"))
        key = openssh_public_key(request["SSHPublicKey"])
        self._keys.push(
            context.account_id, context.region, instance_id, request["InstanceOSUser"], key
        )
        return {"RequestId": context.request_id, "Success": True}

    @handler("SendSerialConsoleSSHPublicKey", expand=False)
    def send_serial_console_ssh_public_key(
        self, context: RequestContext, request: dict[str, Any]
    ) -> dict:
        check_request(context, request)
        _require_running(context, request["InstanceId"], None)
        raise SerialConsoleAccessDisabledException()


def check_request(context: RequestContext, request: dict[str, Any]) -> None:
    """A member of the wrong type is AWS's SerializationException; missing members and values
    outside the model's constraints one InvalidArgsException naming them all."""
    shape = context.operation.input_shape if context.operation else None
    if shape is None:
        return
    if problem := first_problem(shape, request, required=False):
        raise client_errors.for_shape_problem("json", problem)
    if found := constraints.violations(shape, request):
        raise InvalidArgsException(constraints.message(found))


def _require_running(context: RequestContext, instance_id: str, zone: str | None) -> None:
    """The instance exists in the account and region (and zone, when one is named) and runs."""
    instance = ec2_backends[context.account_id][context.region].get_instance_by_id(instance_id)
    if instance is None or (zone and getattr(instance.placement, "zone", None) != zone):
        raise EC2InstanceNotFoundException(instance_id)
    state = str(getattr(instance, "state", "") or "")
    if state != _RUNNING:
        raise EC2InstanceStateInvalidException(instance_id, state)


def openssh_public_key(text: str) -> str:
    """The key as one OpenSSH line (type and body, no options, no comment); InvalidArgsException
    unless it is an RSA key of 2048 bits or more or an ED25519 key in OpenSSH's format."""
    try:
        key = serialization.load_ssh_public_key(text.strip().encode())
    except (ValueError, TypeError, UnicodeError, UnsupportedAlgorithm) as e:
        raise InvalidArgsException(
            "The SSH public key is not valid: it must be an RSA or ED25519 key in OpenSSH format."
        ) from e
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < _MIN_RSA_BITS:
            raise InvalidArgsException(
                f"The SSH public key is not valid: RSA keys must be {_MIN_RSA_BITS} bits or longer."
            )
    elif not isinstance(key, ed25519.Ed25519PublicKey):
        raise InvalidArgsException(
            "The SSH public key is not valid: only RSA and ED25519 keys are supported."
        )
    return key.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()
