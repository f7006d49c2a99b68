"""The sizing rule: an instance type's vCPUs and memory, from the catalogue DescribeInstanceTypes
answers from, clamped to what the engine has, the clamp logged once per type."""

import logging

import pytest

from localstack_ssm_docker.ec2.instance_types import (
    InstanceSizing,
    clamped,
    is_known,
    type_resources,
)
from localstack_ssm_docker.engine.errors import EngineNotAnswering
from localstack_ssm_docker.engine.values import ContainerResources

GIB = 1024**3
MACHINE = ContainerResources(cpus=2, memory_bytes=24 * GIB)


def test_a_type_has_the_vcpus_and_memory_describe_instance_types_gives_it():
    assert type_resources("t2.micro") == ContainerResources(cpus=1, memory_bytes=1 * GIB)
    assert type_resources("t3.micro") == ContainerResources(cpus=2, memory_bytes=1 * GIB)
    assert type_resources("m5.large") == ContainerResources(cpus=2, memory_bytes=8 * GIB)
    assert type_resources("t2.nano") == ContainerResources(cpus=1, memory_bytes=GIB // 2)


def test_a_type_aws_does_not_have_is_unknown_and_has_no_resources():
    assert not is_known("t9.enormous") and type_resources("t9.enormous") is None
    assert is_known("m5.large")


def test_each_figure_is_clamped_to_what_the_engine_has_on_its_own():
    assert clamped(ContainerResources(96, 384 * GIB), MACHINE) == MACHINE
    assert clamped(ContainerResources(4, 1 * GIB), MACHINE) == ContainerResources(2, 1 * GIB)
    assert clamped(ContainerResources(1, 32 * GIB), MACHINE) == ContainerResources(1, 24 * GIB)
    assert clamped(ContainerResources(1, 1 * GIB), MACHINE) == ContainerResources(1, 1 * GIB)


def test_types_up_to_the_machine_keep_their_size_and_larger_ones_get_the_machine():
    sizing = InstanceSizing(lambda: MACHINE)
    assert sizing.resources("t2.micro") == ContainerResources(1, 1 * GIB)
    assert sizing.resources("m5.large") == ContainerResources(2, 8 * GIB)
    assert sizing.resources("m5.24xlarge") == MACHINE
    assert sizing.resources("t9.enormous") is None


def test_a_clamp_is_logged_once_per_type(caplog):
    sizing = InstanceSizing(lambda: MACHINE)
    with caplog.at_level(logging.INFO, logger="localstack_ssm_docker.ec2.instance_types"):
        for _ in range(3):
            sizing.resources("m5.24xlarge")
            sizing.resources("t2.micro")
        sizing.resources("x1e.32xlarge")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert lines[0] == (
        "instance type m5.24xlarge (96 vCPUs, 384.0 GiB) is larger than the Docker engine "
        "(2 vCPUs, 24.0 GiB): its instances get 2 vCPUs, 24.0 GiB"
    )
    assert lines[1].startswith("instance type x1e.32xlarge (128 vCPUs")


def test_the_engine_is_asked_its_size_until_it_answers_once():
    answers: list[ContainerResources | Exception] = [EngineNotAnswering("down"), MACHINE]
    asked = []

    def capacity() -> ContainerResources:
        asked.append(1)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    sizing = InstanceSizing(capacity)
    with pytest.raises(EngineNotAnswering):
        sizing.resources("t2.micro")
    for _ in range(3):
        assert sizing.resources("t2.micro") == ContainerResources(1, 1 * GIB)
    assert len(asked) == 2
