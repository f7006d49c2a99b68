import os
import socket

from localstack_ssm_docker.engine.deployment import (
    EngineLocation,
    SocketAccess,
    bind_mount_problem,
    engine_location,
    engine_problem,
    remote_endpoint_said,
    socket_access,
)


def test_engine_location_reads_docker_host_as_docker_py_does():
    assert engine_location({}) == EngineLocation(
        "unix:///var/run/docker.sock", "/var/run/docker.sock", remote=False
    )
    assert engine_location({"DOCKER_HOST": "unix:///run/user/1000/docker.sock"}).socket_path == (
        "/run/user/1000/docker.sock"
    )
    remote = engine_location({"DOCKER_HOST": "tcp://docker:2375"})
    assert (remote.socket_path, remote.remote) == (None, True)
    assert engine_location({"DOCKER_HOST": "tcp://127.0.0.1:2375"}).remote is False


def test_socket_access_tells_missing_files_and_sockets_apart(tmp_path):
    assert socket_access(str(tmp_path / "none")) == SocketAccess(exists=False)
    plain = tmp_path / "file"
    plain.write_text("")
    assert socket_access(str(plain)).is_socket is False
    path = str(tmp_path / "s.sock")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        access = socket_access(path)
    assert access.exists and access.is_socket
    assert access.readable_writable is os.access(path, os.R_OK | os.W_OK)


LOCAL = EngineLocation("unix:///var/run/docker.sock", "/var/run/docker.sock", remote=False)
REMOTE = EngineLocation("tcp://docker:2375", None, remote=True)


def test_engine_problem_says_what_is_missing_in_one_line():
    missing = engine_problem(LOCAL, SocketAccess(exists=False), None)
    assert missing is not None and missing.startswith("No Docker socket at /var/run/docker.sock")
    assert "-v /var/run/docker.sock:/var/run/docker.sock" in missing
    directory = engine_problem(LOCAL, SocketAccess(exists=True, is_socket=False), None)
    assert directory is not None and "is not a socket" in directory
    denied = engine_problem(
        LOCAL,
        SocketAccess(exists=True, is_socket=True, owner="uid 0, gid 998, mode srw-rw----"),
        None,
    )
    assert denied is not None and "may not be opened by this process" in denied
    silent = engine_problem(REMOTE, None, "connection refused")
    assert silent == (
        "The Docker engine at tcp://docker:2375 does not answer (connection refused); EC2 "
        "RunInstances and SSM SendCommand answer 503 Unavailable until then, and later requests "
        "retry."
    )
    for problem in (missing, directory, denied, silent):
        assert "\n" not in problem
    usable = SocketAccess(exists=True, is_socket=True, readable_writable=True)
    assert engine_problem(LOCAL, usable, None) is None
    assert engine_problem(REMOTE, None, None) is None


def test_bind_mounts_are_reported_with_a_remote_engine_only():
    volumes = ["/srv/data:/data", "named-volume:/cache"]
    assert bind_mount_problem(LOCAL, volumes) is None
    assert bind_mount_problem(REMOTE, ["named-volume:/cache"]) is None
    said = bind_mount_problem(REMOTE, volumes)
    assert said is not None
    assert "/srv/data:/data" in said and "named-volume" not in said
    assert "tcp://docker:2375" in said


def test_a_remote_engine_says_which_endpoint_url_its_instances_get():
    unset = remote_endpoint_said(REMOTE, None, "localhost.localstack.cloud")
    assert unset.startswith("The Docker engine at tcp://docker:2375 is remote: ")
    assert "instances get no address of this LocalStack" in unset
    assert "no AWS_ENDPOINT_URL" in unset and "EC2_INSTANCE_ENDPOINT_URL" in unset
    configured = remote_endpoint_said(REMOTE, "http://10.0.0.1:4566", "localhost.localstack.cloud")
    assert "instances get AWS_ENDPOINT_URL=http://10.0.0.1:4566" in configured
    assert "not http://localhost.localstack.cloud:4566" in configured
    for said in (unset, configured):
        assert "\n" not in said
