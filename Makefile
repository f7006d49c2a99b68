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

.PHONY: venv docker ami ami-debian run test lint typecheck unit integration format clean bench

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

# A Debian 13 AMI (python3, curl, the AWS CLI) built with debootstrap from Debian's mirror (root).
ami-debian: docker
	@scripts/build-debian-ami.sh

run: venv ami
	$(LOCALSTACK_ENV) $(PY) -m localstack.runtime.main

test: lint unit integration

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: venv
	$(VENV)/bin/mypy

unit: venv
	$(PY) -m pytest tests/unit -q

integration: venv ami ami-debian
	$(PY) -m pytest tests/integration -q

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

bench: venv ami
	$(PY) -m benchmarks.bench
