#!/bin/sh
# Builds the image aws:executeScript runs Automation scripts in: the Debian AMI (python3) plus
# Debian's python3-boto3, installed with apt from the mirror the AMI names. No registry needed.
# Skips when the image exists and was built from this AMI image and package list (a label records
# them), so it follows a rebuilt Debian AMI.
set -eu

BASE=${BASE:-localstack-ec2/debian-13:ami-0d3b1a2c3d4e5f607}
TAG=${TAG:-localstack-ssm-docker/automation-python:debian-13-1}
PACKAGES="python3-boto3"

base_id=$(docker image inspect --format '{{ .Id }}' "$BASE" 2>/dev/null) || {
    echo "error: $BASE is missing; build it first with: make ami-debian" >&2
    exit 1
}
LABEL="$base_id:$PACKAGES"
built_from=$(docker image inspect --format '{{ index .Config.Labels "localstack-ssm-docker.built-from" }}' "$TAG" 2>/dev/null || true)
if [ "$built_from" = "$LABEL" ]; then
    echo "automation image $TAG already exists"
    exit 0
fi

docker build --rm --force-rm -q -t "$TAG" --label "localstack-ssm-docker.built-from=$LABEL" - >/dev/null <<DOCKERFILE
FROM $BASE
RUN apt-get update -q >/dev/null \\
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PACKAGES >/dev/null \\
    && apt-get clean && rm -rf /var/lib/apt/lists/*
ENTRYPOINT []
CMD ["python3"]
DOCKERFILE
docker run --rm --entrypoint python3 "$TAG" -c "import boto3" || {
    echo "error: boto3 is not importable in $TAG" >&2
    exit 1
}
echo "built automation image $TAG"
