# localstack-ssm-docker: `make run` starts LocalStack with the extension, `make test` runs every test.
VENV ?= .venv
PORT ?= 4566
PY := $(VENV)/bin/python
# localstack-core 2026.3.0 needs Python >= 3.13 (it imports warnings.deprecated)
PYTHON ?= $(shell scripts/find-python.sh)
LOCALSTACK_VERSION := 2026.3.0
# Host mode, loopback only, and none of LocalStack's own calls to the internet.
LOCALSTACK_ENV := GATEWAY_LISTEN=127.0.0.1:$(PORT) DNS_ADDRESS=0 SKIP_SSL_CERT_DOWNLOAD=1 \
	DISABLE_EVENTS=1

.PHONY: venv docker ami ami-debian automation-image session-client run test lint typecheck unit integration format clean bench \
	image run-docker localstack-cli deployments deployment-tools cdk-tools plain-localstack parity ansible-tools

# LocalStack in a container: our image (Dockerfile) on the offline stand-in base by default.
IMAGE ?= localstack-ssm-docker:latest
BASE ?= localstack-ssm-docker/base:$(LOCALSTACK_VERSION)
CONTAINER ?= localstack-ssm-docker
# more `docker run` flags for run-docker, e.g. -e PERSISTENCE=1 -v localstack-data:/var/lib/localstack
DOCKER_RUN_FLAGS ?=
# LocalStack's CLI (`localstack start`), in a venv of its own: its dependencies are not ours.
LOCALSTACK_CLI_VERSION := 2026.8.2
CLI_VENV ?= .venv-cli

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.13 found; install one (pyenv install 3.13) or set PYTHON=/path/to/python3.13" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt "localstack-core[runtime]==$(LOCALSTACK_VERSION)" -e ".[dev]"
	touch $@

venv: $(VENV)/.installed

docker:
	@scripts/ensure-docker.sh

ami: docker
	@scripts/build-busybox-ami.sh

session-client:
	@scripts/ensure-session-client.sh

# The CDK example's npm packages (pinned by examples/cdk/package-lock.json) in examples/cdk/node_modules.
cdk-tools:
	@scripts/ensure-cdk-tools.sh

# Ansible (pinned in constraints.txt, with its amazon.aws collection) in the venv.
ansible-tools: venv
	@VENV=$(VENV) scripts/ensure-ansible.sh

# A Debian 13 AMI (python3, curl, the AWS CLI) built with debootstrap from Debian's mirror (root).
ami-debian: docker
	@scripts/build-debian-ami.sh

# The image aws:executeScript runs Automation scripts in: the Debian AMI plus Debian's python3-boto3.
automation-image: ami-debian
	@scripts/build-automation-image.sh

run: venv ami
	$(LOCALSTACK_ENV) $(PY) -m localstack.runtime.main

# everything: lint, unit, integration, LocalStack's own EC2 tests (parity) and the deployment tests
# (these run as root: network namespaces and a second Docker engine, see tests/deployments)
test: lint unit integration parity deployments

# formatting, ruff, mypy (typecheck) and dead code (vulture, with vulture_whitelist.py)
lint: typecheck
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/vulture

typecheck: venv
	$(VENV)/bin/mypy

unit: venv
	$(PY) -m pytest tests/unit -q

integration: venv ami ami-debian automation-image session-client deployment-tools cdk-tools ansible-tools
	$(PY) -m pytest tests/integration -q

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) $(CLI_VENV) $(PLAIN_VENV) .pytest_cache .ruff_cache *.egg-info

deployment-tools:
	@scripts/ensure-deployment-tools.sh

image: docker deployment-tools
	@IMAGE=$(IMAGE) BASE=$(BASE) LOCALSTACK_VERSION=$(LOCALSTACK_VERSION) scripts/build-image.sh

# The image on 127.0.0.1:$(PORT), the Docker socket mounted, in the foreground (Ctrl-C stops it).
run-docker: image ami
	docker run --rm --name $(CONTAINER) -p 127.0.0.1:$(PORT):4566 \
		-v /var/run/docker.sock:/var/run/docker.sock \
		-e DNS_ADDRESS=0 -e SKIP_SSL_CERT_DOWNLOAD=1 -e DISABLE_EVENTS=1 $(DOCKER_RUN_FLAGS) $(IMAGE)

# Plain LocalStack (the same localstack-core and pins, without this package) in a venv of its own:
# what LocalStack's own EC2 tests are compared against.
PLAIN_VENV ?= .venv-plain

$(PLAIN_VENV)/.installed: constraints.txt
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.13 found" >&2; exit 1; }
	$(PYTHON) -m venv $(PLAIN_VENV)
	$(PLAIN_VENV)/bin/pip install -q -c constraints.txt "localstack-core[runtime]==$(LOCALSTACK_VERSION)"
	touch $@

plain-localstack: $(PLAIN_VENV)/.installed

# LocalStack's own EC2 tests (tests/parity/localstack) against plain LocalStack and against ours:
# fails on every test plain LocalStack passes and ours does not.
parity: venv plain-localstack docker
	PLAIN_LOCALSTACK_PYTHON=$(PLAIN_VENV)/bin/python $(PY) -m pytest tests/parity -q -s

$(CLI_VENV)/.installed:
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.13 found" >&2; exit 1; }
	$(PYTHON) -m venv $(CLI_VENV)
	$(CLI_VENV)/bin/pip install -q "localstack==$(LOCALSTACK_CLI_VERSION)"
	touch $@

localstack-cli: $(CLI_VENV)/.installed

# LocalStack in containers (the image with the socket, `localstack start`, Compose) and on a remote
# Docker engine in a network namespace: real images, real engines.
deployments: venv ami deployment-tools image localstack-cli
	$(PY) -m pytest tests/deployments -q

bench: venv ami ami-debian automation-image session-client deployment-tools ansible-tools
	$(PY) -m benchmarks.bench $(BENCH_ARGS)
