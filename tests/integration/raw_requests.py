"""Signed HTTP requests that carry whatever a test puts in them, and the AWS error they get back."""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

EC2_API_VERSION = "2016-11-15"


@dataclass(frozen=True)
class Reply:
    status: int
    error_code: str | None
    body: str


def _send(
    endpoint: str, service: str, body: bytes | str | dict, headers: dict
) -> requests.Response:
    request = AWSRequest("POST", f"{endpoint}/", data=body, headers=headers)
    SigV4Auth(Credentials("test", "test"), service, "us-east-1").add_auth(request)
    prepared = request.prepare()
    return requests.post(
        prepared.url, data=prepared.body, headers=dict(prepared.headers), timeout=60
    )


def ssm_json(endpoint: str, operation: str, body: Any) -> Reply:
    """POSTs ``body`` (JSON-encoded unless bytes) to ``AmazonSSM.<operation>``."""
    payload = body if isinstance(body, bytes) else json.dumps(body)
    headers = {
        "X-Amz-Target": f"AmazonSSM.{operation}",
        "Content-Type": "application/x-amz-json-1.1",
    }
    response = _send(endpoint, "ssm", payload, headers)
    code = None
    if response.status_code >= 400:
        error_type = response.json().get("__type", "")
        code = error_type.rsplit("#", 1)[-1]
    return Reply(response.status_code, code, response.text)


def ec2_query(endpoint: str, action: str, params: dict[str, str]) -> Reply:
    """POSTs an EC2 query ``Action`` with the given (already flattened) parameters."""
    form = {"Action": action, "Version": EC2_API_VERSION, **params}
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    response = _send(endpoint, "ec2", form, headers)
    code = None
    if response.status_code >= 400:
        code = ET.fromstring(response.content).findtext(".//{*}Error/{*}Code")
    return Reply(response.status_code, code, response.text)
