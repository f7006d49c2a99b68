#!/bin/bash
# Entrypoint of the stand-in base image (scripts/build-base-image.sh): starts LocalStack the way the
# official image's entrypoint does, so that our Dockerfile can be tested without Docker Hub.
#  - LOCALSTACK_<NAME> variables are also exported as <NAME> (LOCALSTACK_HOST and LOCALSTACK_HOSTNAME
#    keep their names), as the official image documents;
#  - logs go to the volume, /var/lib/localstack;
#  - BOOT init hooks in /etc/localstack/init/boot.d run first;
#  - then LocalStack's runtime runs as PID 1's successor (exec), listening on 0.0.0.0:4566.
# The official image runs `localstack-supervisor`, which restarts the runtime on request; this one
# runs the runtime directly (a restart is `docker restart`).
set -eo pipefail

while IFS='=' read -r name _; do
    case "$name" in
        LOCALSTACK_HOST | LOCALSTACK_HOSTNAME | LOCALSTACK_[0-9]*) ;;
        LOCALSTACK_?*) export "${name#LOCALSTACK_}=${!name}" ;;
    esac
done < <(env)

export GATEWAY_LISTEN="${GATEWAY_LISTEN:-0.0.0.0:4566}"
mkdir -p /var/lib/localstack/logs

# shellcheck disable=SC1091
source /opt/code/localstack/.venv/bin/activate
if [ -d /etc/localstack/init/boot.d ]; then
    python -m localstack.runtime.init BOOT
fi
exec python -m localstack.runtime.main
