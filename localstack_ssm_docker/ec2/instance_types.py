"""Instance types and the container resources they give an instance.

The catalogue is moto's, the one DescribeInstanceTypes answers from (`VCpuInfo.DefaultVCpus`,
`MemoryInfo.SizeInMiB`): read here and nowhere else, never copied. The rule: an instance's
container gets its type's vCPUs as a CPU quota and its type's memory as the memory limit, each
clamped to what the Docker engine has (a type larger than the machine gets all of it, not an
error); a clamp is logged once per type.
"""

import logging
import threading
from collections.abc import Callable

from moto.ec2.models.instance_types import INSTANCE_TYPES

from localstack_ssm_docker.engine.values import ContainerResources

LOG = logging.getLogger(__name__)

_MIB = 1024 * 1024


def is_known(instance_type: str) -> bool:
    """Whether AWS has this instance type (DescribeInstanceTypes lists it)."""
    return instance_type in INSTANCE_TYPES


def type_resources(instance_type: str) -> ContainerResources | None:
    """The type's vCPUs and memory as DescribeInstanceTypes gives them; None for a type AWS does
    not have."""
    described = INSTANCE_TYPES.get(instance_type)
    if described is None:
        return None
    return ContainerResources(
        cpus=int(described["VCpuInfo"]["DefaultVCpus"]),
        memory_bytes=int(described["MemoryInfo"]["SizeInMiB"]) * _MIB,
    )


def clamped(wanted: ContainerResources, capacity: ContainerResources) -> ContainerResources:
    """`wanted`, each figure at most what the engine has. Pure."""
    return ContainerResources(
        cpus=min(wanted.cpus, capacity.cpus),
        memory_bytes=min(wanted.memory_bytes, capacity.memory_bytes),
    )


class InstanceSizing:
    """The container resources of each instance type on one Docker engine. `capacity` answers
    what the engine has (an engine call, made once it succeeds)."""

    def __init__(self, capacity: Callable[[], ContainerResources]):
        self._capacity = capacity
        self._known: ContainerResources | None = None
        self._clamps_logged: set[str] = set()
        self._lock = threading.Lock()

    def resources(self, instance_type: str) -> ContainerResources | None:
        """What an instance of this type gets; None (no limits) for a type AWS does not have.
        EngineError when the engine cannot say what it has."""
        wanted = type_resources(instance_type)
        if wanted is None:
            return None
        capacity = self._engine_capacity()
        given = clamped(wanted, capacity)
        if given != wanted:
            self._log_clamp(instance_type, wanted, given, capacity)
        return given

    def _engine_capacity(self) -> ContainerResources:
        with self._lock:
            if self._known is not None:
                return self._known
        capacity = self._capacity()
        with self._lock:
            self._known = capacity
        return capacity

    def _log_clamp(
        self,
        instance_type: str,
        wanted: ContainerResources,
        given: ContainerResources,
        capacity: ContainerResources,
    ) -> None:
        with self._lock:
            if instance_type in self._clamps_logged:
                return
            self._clamps_logged.add(instance_type)
        LOG.info(
            "instance type %s (%s) is larger than the Docker engine (%s): its instances get %s",
            instance_type,
            _describe(wanted),
            _describe(capacity),
            _describe(given),
        )


def _describe(resources: ContainerResources) -> str:
    return f"{resources.cpus} vCPUs, {resources.memory_bytes / _MIB / 1024:.1f} GiB"
