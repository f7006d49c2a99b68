import json

import pytest

from localstack_ssm_docker.imds.metadata import VERSIONS, identity_document, lookup
from tests.unit.imds.conftest import CREDENTIALS, PROFILE, FakeSigner, make_facts, with_options


def get(path, facts=None, credentials=lambda: CREDENTIALS):
    found = lookup(path, facts or make_facts(), FakeSigner(), credentials)
    return None if found is None else found.body.decode()


def test_root_lists_versions_ending_with_latest():
    assert get("/").split("\n") == list(VERSIONS)
    assert get("/").split("\n")[-1] == "latest"


def test_version_lists_its_categories_without_user_data_when_there_is_none():
    assert get("/latest/") == "dynamic/\nmeta-data/"
    assert get("/latest") == "dynamic/\nmeta-data/"


def test_version_lists_user_data_when_there_is_some():
    assert get("/latest/", make_facts(user_data=b"#!/bin/sh")) == "dynamic/\nmeta-data/\nuser-data"


def test_meta_data_listing_has_directories_with_trailing_slashes_and_no_final_newline():
    names = get("/latest/meta-data/").split("\n")
    for leaf in (
        "ami-id",
        "ami-launch-index",
        "hostname",
        "instance-id",
        "instance-life-cycle",
        "instance-type",
        "local-hostname",
        "local-ipv4",
        "mac",
        "reservation-id",
        "security-groups",
    ):
        assert leaf in names
    for directory in ("block-device-mapping/", "events/", "network/", "placement/"):
        assert directory in names
    assert names == sorted(names)
    assert not get("/latest/meta-data/").endswith("\n")
    assert "iam/" not in names and "tags/" not in names and "public-ipv4" not in names


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("/latest/meta-data/instance-id", "i-0123456789abcdef0"),
        ("/latest/meta-data/ami-id", "ami-0b5b0b5b0b5b0b5b0"),
        ("/latest/meta-data/ami-launch-index", "0"),
        ("/latest/meta-data/instance-type", "t3.micro"),
        ("/latest/meta-data/instance-life-cycle", "on-demand"),
        ("/latest/meta-data/local-ipv4", "172.17.0.5"),
        ("/latest/meta-data/hostname", "ip-172-17-0-5.ec2.internal"),
        ("/latest/meta-data/mac", "02:42:ac:11:00:05"),
        ("/latest/meta-data/placement/availability-zone", "us-east-1a"),
        ("/latest/meta-data/placement/availability-zone-id", "use1-az1"),
        ("/latest/meta-data/placement/region", "us-east-1"),
        ("/latest/meta-data/placement/", "availability-zone\navailability-zone-id\nregion"),
        ("/latest/meta-data/reservation-id", "r-0123456789abcdef0"),
        ("/latest/meta-data/security-groups", "default"),
        ("/latest/meta-data/block-device-mapping/", "ami\nroot"),
        ("/latest/meta-data/events/maintenance/scheduled", "[]"),
        ("/latest/meta-data/network/interfaces/macs/", "02:42:ac:11:00:05/"),
        ("/latest/meta-data/network/interfaces/macs/02:42:ac:11:00:05/local-ipv4s", "172.17.0.5"),
        ("/2009-04-04/meta-data/instance-id", "i-0123456789abcdef0"),
    ],
)
def test_values(path, value):
    assert get(path) == value


@pytest.mark.parametrize(
    "path",
    [
        "/latest/meta-data/nothing",
        "/latest/meta-data/instance-id/more",
        "/latest/meta-data//instance-id",
        "/2999-01-01/meta-data/",
        "/latest/user-data",
        "/latest/meta-data/iam/info",
        "/latest/meta-data/tags/instance/",
        "/latest/meta-data/public-ipv4",
        "latest/meta-data",
        "/../latest/meta-data",
    ],
)
def test_unknown_paths_are_not_found(path):
    assert get(path) is None


def test_public_address_served_only_where_there_is_one():
    facts = make_facts(public_ip="54.1.2.3", public_hostname="ec2-54-1-2-3.compute-1.amazonaws.com")
    assert get("/latest/meta-data/public-ipv4", facts) == "54.1.2.3"
    assert "public-hostname" in get("/latest/meta-data/", facts).split("\n")


def test_user_data_is_served_as_bytes():
    assert (
        lookup(
            "/latest/user-data", make_facts(user_data=b"\xff\x00x"), FakeSigner(), lambda: None
        ).body
        == b"\xff\x00x"
    )


def test_tags_only_when_enabled():
    facts = make_facts(tags=(("Name", "web"), ("env", "prod")))
    assert get("/latest/meta-data/tags/instance/Name", facts) is None
    enabled = with_options(facts, instance_metadata_tags="enabled")
    assert get("/latest/meta-data/tags/instance/", enabled) == "Name\nenv"
    assert get("/latest/meta-data/tags/instance/env", enabled) == "prod"
    assert get("/latest/meta-data/tags/instance/none", enabled) is None


def test_enabled_tags_with_no_tags_list_nothing():
    assert (
        get(
            "/latest/meta-data/tags/instance/",
            with_options(make_facts(), instance_metadata_tags="enabled"),
        )
        == ""
    )


def test_iam_info_and_credentials():
    facts = make_facts(profile=PROFILE)
    assert get("/latest/meta-data/iam/", facts) == "info\nsecurity-credentials/"
    info = json.loads(get("/latest/meta-data/iam/info", facts))
    assert info["InstanceProfileArn"] == PROFILE.arn
    assert info["InstanceProfileId"] == "AIPAEXAMPLE" and info["Code"] == "Success"
    assert get("/latest/meta-data/iam/security-credentials/", facts) == "app-role"
    document = json.loads(get("/latest/meta-data/iam/security-credentials/app-role", facts))
    assert list(document) == [
        "Code",
        "LastUpdated",
        "Type",
        "AccessKeyId",
        "SecretAccessKey",
        "Token",
        "Expiration",
    ]
    assert document["AccessKeyId"] == "ASIAEXAMPLE" and document["Type"] == "AWS-HMAC"


def test_credentials_missing_when_they_cannot_be_issued():
    facts = make_facts(profile=PROFILE)
    assert get("/latest/meta-data/iam/security-credentials/app-role", facts, lambda: None) is None
    assert get("/latest/meta-data/iam/security-credentials/other", facts) is None


def test_identity_document_fields():
    document = json.loads(get("/latest/dynamic/instance-identity/document"))
    assert document == json.loads(identity_document(make_facts()))
    assert document["instanceId"] == "i-0123456789abcdef0"
    assert document["privateIp"] == "172.17.0.5"
    assert document["accountId"] == "000000000000"
    assert document["region"] == "us-east-1" and document["version"] == "2017-09-30"
    assert get("/latest/dynamic/instance-identity/") == "document\npkcs7\nsignature"
    assert get("/latest/dynamic/instance-identity/signature").startswith("sig:")
    assert get("/latest/dynamic/instance-identity/pkcs7").startswith("pkcs7:")


KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk9 deploy"


def test_public_keys_list_the_key_pair_as_index_equals_name():
    facts = make_facts(key_name="deploy", openssh_key=KEY)
    assert "public-keys/" in get("/latest/meta-data/", facts).split("\n")
    assert get("/latest/meta-data/public-keys/", facts) == "0=deploy"
    assert get("/latest/meta-data/public-keys", facts) == "0=deploy"
    assert get("/latest/meta-data/public-keys/0/", facts) == "openssh-key"
    assert get("/latest/meta-data/public-keys/0", facts) == "openssh-key"
    assert get("/latest/meta-data/public-keys/0/openssh-key", facts) == KEY
    assert get("/latest/meta-data/public-keys/0=deploy", facts) is None
    assert get("/latest/meta-data/public-keys/1/openssh-key", facts) is None


def test_an_instance_without_a_key_pair_has_no_public_keys():
    assert "public-keys/" not in get("/latest/meta-data/").split("\n")
    assert get("/latest/meta-data/public-keys/") is None
    assert get("/latest/meta-data/public-keys/0/openssh-key") is None


def test_managed_ssh_keys_serve_each_users_active_keys_one_a_line():
    facts = make_facts(managed_ssh_keys=(("admin", ("ssh-ed25519 AAAA1", "ssh-rsa AAAA2")),))
    assert "managed-ssh-keys/" in get("/latest/meta-data/", facts).split("\n")
    assert get("/latest/meta-data/managed-ssh-keys/", facts) == "active-keys/"
    assert get("/latest/meta-data/managed-ssh-keys/active-keys/", facts) == "admin"
    assert (
        get("/latest/meta-data/managed-ssh-keys/active-keys/admin/", facts)
        == "ssh-ed25519 AAAA1\nssh-rsa AAAA2"
    )
    assert get("/latest/meta-data/managed-ssh-keys/active-keys/root/", facts) is None


def test_no_managed_ssh_keys_without_active_keys():
    assert "managed-ssh-keys/" not in get("/latest/meta-data/").split("\n")
    assert get("/latest/meta-data/managed-ssh-keys/active-keys/admin/") is None
