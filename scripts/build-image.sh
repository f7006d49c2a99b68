#!/bin/bash
# Builds our image (Dockerfile) on BASE: by default the offline stand-in base, built first when
# missing (scripts/build-base-image.sh). BASE=localstack/localstack:2026.3.0 builds on the official
# image where Docker Hub is reachable. Docker's build cache makes a rebuild with unchanged sources
# take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=${LOCALSTACK_VERSION:-2026.3.0}
IMAGE=${IMAGE:-localstack-ssm-docker:latest}
BASE=${BASE:-localstack-ssm-docker/base:$VERSION}

if [ "$BASE" = "localstack-ssm-docker/base:$VERSION" ]; then
    BASE_IMAGE=$BASE scripts/build-base-image.sh
fi
# On the stand-in base every dependency is already installed: no package index is needed.
pip_options=""
if [ "$BASE" = "localstack-ssm-docker/base:$VERSION" ]; then
    pip_options="--no-index"
fi
# (Debian's docker.io has no buildx: the classic builder, whose deprecation notice is only shown
# when the build fails)
if ! out=$(docker build -q --build-arg "BASE=$BASE" --build-arg "PIP_OPTIONS=$pip_options" \
    -t "$IMAGE" . 2>&1); then
    echo "$out" >&2
    exit 1
fi
echo "built image $IMAGE on $BASE"
