# LocalStack with the localstack-ssm-docker extension: real EC2 instances (sibling containers on
# the Docker engine LocalStack is given) and real SSM Run Command in them.
#
#   docker build -t localstack-ssm-docker:latest .        # on the official localstack/localstack
#   make image                                            # offline, on the stand-in base (docs/deployments.md)
#
# The package goes into LocalStack's own virtualenv, pinned by constraints.txt, so LocalStack's
# plugin loader finds its entry points at start; nothing else of the base image changes. It is
# built without build isolation, with the setuptools LocalStack's virtualenv already has: with
# PIP_OPTIONS=--no-index (what `make image` passes) the build needs no package index at all, since
# every dependency is already in LocalStack's environment.
ARG BASE=localstack/localstack:2026.3.0
FROM ${BASE}

ARG LOCALSTACK_VENV=/opt/code/localstack/.venv
ARG PIP_OPTIONS=""
COPY constraints.txt pyproject.toml README.md /opt/code/localstack-ssm-docker/
COPY localstack_ssm_docker /opt/code/localstack-ssm-docker/localstack_ssm_docker
RUN cd /opt/code/localstack-ssm-docker \
    && "$LOCALSTACK_VENV/bin/pip" install --no-cache-dir --disable-pip-version-check \
        --no-build-isolation $PIP_OPTIONS -c constraints.txt . \
    && rm -rf build ./*.egg-info \
    && "$LOCALSTACK_VENV/bin/python" -c "import localstack_ssm_docker.plugins"
