"""The extension's settings, read from the environment (documented in docs/configuration.md)."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from localstack_ssm_docker.engine.values import (
    ContainerOptions,
)

_TRUE = {"1", "true", "yes", "on"}
DEFAULT_PIDS_LIMIT = 4096


@dataclass(frozen=True)
class Settings:
    """Settings of one LocalStack process."""

    workers: int = 64
    """SSM_DOCKER_WORKERS: invocations that can run at the same time."""
    remove_containers: bool = True
    """EC2_REMOVE_CONTAINERS: remove instance containers when LocalStack shuts down."""
    full_output_limit: int = 16 * 1024 * 1024
    """SSM_DOCKER_FULL_OUTPUT_LIMIT: bytes of each stream kept for S3 / CloudWatch Logs."""
    container_options: ContainerOptions = field(default_factory=ContainerOptions)
    """EC2_DOCKER_FLAGS, EC2_DOCKER_NETWORK, EC2_PIDS_LIMIT (processes per instance container,
    default 4096, 0 for no limit: a fork bomb stays in its container) and EC2_ALLOW_NET_RAW
    (instances keep CAP_NET_RAW, off by default: with it one instance can forge ARP replies and
    take over another's metadata traffic): `docker run` settings."""
    max_instances: int = 256
    """EC2_MAX_INSTANCES: instances an account may have in a region (InstanceLimitExceeded)."""
    instance_sizing: bool = True
    """EC2_INSTANCE_SIZING: each instance container gets its instance type's vCPUs as a CPU quota
    and its memory as the memory limit, clamped to the engine's (0: no limits)."""
    ami_images: dict[str, str] = field(default_factory=dict)
    """EC2_AMI_IMAGES: ``ami-id=image,...``, images that back AMIs without a localstack-ec2 tag."""
    boot_with_image_entrypoint: bool = False
    """EC2_BOOT_WITH_IMAGE_ENTRYPOINT: boot every image's own entrypoint (systemd images)."""
    resident_helpers: bool = True
    """SSM_DOCKER_RESIDENT_HELPER: start commands through resident sh helpers in each container
    (one started with it, kept for its life) instead of an exec per command (0: an exec per
    command, which is also the fallback for jobs and images the helper cannot take)."""
    warm_up: bool = True
    """SSM_DOCKER_WARM_UP: load what the first EC2/SSM request needs in the background at start."""
    imds: bool = True
    """EC2_IMDS: serve instance metadata at 169.254.169.254 and give instances AWS_ENDPOINT_URL."""
    imds_responder_image: str = "localstack-ec2/busybox:ami-0b5b0b5b0b5b0b5b0"
    """EC2_IMDS_RESPONDER_IMAGE: a busybox image (sh, nc with -e, awk, mkfifo) that answers at
    169.254.169.254 and relays to LocalStack."""
    imds_fallback_host: str | None = None
    """EC2_IMDS_FALLBACK_HOST: the address instances reach this LocalStack at when the
    169.254.169.254 route cannot be set up (default: the host's address on their bridge)."""
    instance_endpoint_url: str | None = None
    """EC2_INSTANCE_ENDPOINT_URL: AWS_ENDPOINT_URL given to instances (default:
    http://localhost.localstack.cloud:4566 through the instance resolver, see below; without it,
    a relay to this LocalStack on the host's address on their bridge)."""
    instance_resolver: bool = True
    """EC2_INSTANCE_RESOLVER: instances resolve through 169.254.169.253, which answers
    localhost.localstack.cloud and every name under it with the address that reaches this
    LocalStack on port 4566 (and passes other names to LocalStack's own name servers), and get
    ``AWS_ENDPOINT_URL=http://localhost.localstack.cloud:4566``; only while 169.254.169.254 is
    routed (not in the fallback), and not with EC2_INSTANCE_ENDPOINT_URL, which wins (0: the
    engine's name servers, and the relay's URL on the instances' bridge)."""
    autoscaling_interval: float = 1.0
    """AUTOSCALING_RECONCILE_INTERVAL: seconds between two passes of the Auto Scaling reconciler
    (a request that changes a group starts one at once): how soon a dead member is replaced."""
    autoscaling_retry_delay: float = 10.0
    """AUTOSCALING_RETRY_DELAY: seconds before a group's failed launch is tried again, doubled
    with each failure in a row (at most 300 s)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        """Settings from environment variables, with the defaults above."""
        return cls(
            workers=int(env.get("SSM_DOCKER_WORKERS") or cls.workers),
            remove_containers=_flag(env.get("EC2_REMOVE_CONTAINERS"), True),
            full_output_limit=int(env.get("SSM_DOCKER_FULL_OUTPUT_LIMIT") or cls.full_output_limit),
            container_options=container_options(
                env.get("EC2_DOCKER_FLAGS", ""),
                env.get("EC2_DOCKER_NETWORK") or None,
                int(env.get("EC2_PIDS_LIMIT") or DEFAULT_PIDS_LIMIT) or None,
                allow_net_raw=_flag(env.get("EC2_ALLOW_NET_RAW"), False),
            ),
            max_instances=int(env.get("EC2_MAX_INSTANCES") or cls.max_instances),
            instance_sizing=_flag(env.get("EC2_INSTANCE_SIZING"), True),
            ami_images=_pairs(env.get("EC2_AMI_IMAGES", "")),
            boot_with_image_entrypoint=_flag(env.get("EC2_BOOT_WITH_IMAGE_ENTRYPOINT"), False),
            resident_helpers=_flag(env.get("SSM_DOCKER_RESIDENT_HELPER"), True),
            warm_up=_flag(env.get("SSM_DOCKER_WARM_UP"), True),
            imds=_flag(env.get("EC2_IMDS"), True),
            imds_responder_image=env.get("EC2_IMDS_RESPONDER_IMAGE") or cls.imds_responder_image,
            imds_fallback_host=env.get("EC2_IMDS_FALLBACK_HOST") or None,
            instance_endpoint_url=env.get("EC2_INSTANCE_ENDPOINT_URL") or None,
            instance_resolver=_flag(env.get("EC2_INSTANCE_RESOLVER"), True),
            autoscaling_interval=float(
                env.get("AUTOSCALING_RECONCILE_INTERVAL") or cls.autoscaling_interval
            ),
            autoscaling_retry_delay=float(
                env.get("AUTOSCALING_RETRY_DELAY") or cls.autoscaling_retry_delay
            ),
        )


def _flag(value: str | None, default: bool) -> bool:
    return default if not value else value.lower() in _TRUE


def _pairs(text: str) -> dict[str, str]:
    """``a=b,c=d`` as a dict."""
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {key.strip(): value.strip() for key, value in pairs}


def _volume(bind: Any) -> str:
    """A parsed ``-v`` flag as ``docker run`` text (LocalStack parses them into BindMounts)."""
    return bind.to_str() if hasattr(bind, "to_str") else ":".join(bind)


def container_options(
    flags: str, network: str | None, pids_limit: int | None = None, allow_net_raw: bool = False
) -> ContainerOptions:
    """Docker CLI flags (``--privileged -v /a:/b -e K=V --add-host h:ip --dns 1.1.1.1 ...``),
    parsed as LocalStack parses its DOCKER_FLAGS, as container options."""
    if not flags.strip():
        return ContainerOptions(network=network, pids_limit=pids_limit, allow_net_raw=allow_net_raw)
    from localstack.utils.container_utils.container_client import Util

    parsed = Util.parse_additional_flags(flags)
    return ContainerOptions(
        network=network or parsed.network,
        privileged=bool(parsed.privileged),
        environment=dict(parsed.env_vars or {}),
        volumes=[_volume(v) for v in parsed.volumes or []],
        extra_hosts=dict(parsed.extra_hosts or {}),
        dns=list(parsed.dns or []),
        user=parsed.user,
        ulimits=[(u.name, u.soft_limit, u.hard_limit) for u in parsed.ulimits or []],
        pids_limit=pids_limit,
        allow_net_raw=allow_net_raw,
    )
