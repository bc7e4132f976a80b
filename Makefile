# Wuye — the front door. `make run` starts the platform, `make test` runs the tests.
# Both bootstrap themselves: a virtualenv in .venv, pinned packages, generated gRPC stubs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
#: the chart's policy scanner (checkov) lives in a virtualenv of its own
POLICY_VENV ?= .venv-policy
POLICY_INSTALLED := $(POLICY_VENV)/.installed
STUBS := libs/contracts/src/wuye/.generated
#: the platform's services, from services.toml (the one list of them)
SERVICES := $(shell $(PYTHON) deploy/services.py)
PACKAGES := libs/chassis libs/contracts $(addprefix services/,$(SERVICES)) services/gateway
#: what the type checker reads (mypy.ini: strict on the chassis and every domain/ and service/ package)
TYPED := libs/chassis/src/wuye_chassis libs/chassis/tests $(foreach name,$(SERVICES),services/$(name)/src/wuye_$(name)) \
         services/gateway/src/wuye_gateway tests conftest.py deploy
PYTEST_WORKERS ?= auto
BUF_VERSION := 1.75.0
POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: venv proto run run-cluster test test-postgres test-cluster screenshots lint lint-python lint-proto lint-proto-breaking lint-imports typecheck \
        bench constraints constraints-policy policy-tools clean

venv: $(INSTALLED)

$(INSTALLED): requirements.txt requirements-dev.txt constraints.txt $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
		--config-settings editable_mode=compat $(addprefix -e ,$(PACKAGES))
	touch $@

proto: $(STUBS)

policy-tools: $(POLICY_INSTALLED)

$(POLICY_INSTALLED): requirements-policy.txt constraints-policy.txt
	test -x $(POLICY_VENV)/bin/python || $(PYTHON) -m venv $(POLICY_VENV)
	$(POLICY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints-policy.txt \
		-r requirements-policy.txt
	touch $@

$(STUBS): $(INSTALLED) $(shell find proto -name '*.proto') deploy/gen_proto.py
	$(PY) deploy/gen_proto.py
	touch $@

## run the whole platform locally: embedded NATS, SQLite per service, gateway on http://127.0.0.1:8000
run: proto
	$(PY) deploy/run.py

## two replicas of every service and of the gateway on PostgreSQL (a database per service on $(POSTGRES_URL)'s
## server) and a three-node JetStream cluster
run-cluster: proto
	WUYE_RUN_POSTGRES=$${WUYE_RUN_POSTGRES:-$(POSTGRES_URL)} WUYE_RUN_REPLICAS=2 WUYE_RUN_NATS_NODES=3 $(PY) deploy/run.py

## the test suite (parallel); database-facing tests also run on PostgreSQL when WUYE_TEST_DATABASE_URL is set
test: proto policy-tools
	$(PY) -m pytest -n $(PYTEST_WORKERS)

## only the PostgreSQL-parametrised tests, against $(POSTGRES_URL)
test-postgres: proto
	WUYE_TEST_DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest -n $(PYTEST_WORKERS) -k postgresql

## two replicas of every service and of the gateway on PostgreSQL ($(POSTGRES_URL)'s server, a database per
## service) and a three-node JetStream cluster, under load, kills and a rolling restart (tests/cluster)
test-cluster: proto
	WUYE_CLUSTER_POSTGRES=$(POSTGRES_URL) $(PY) -m pytest -s -m cluster tests/cluster

## every check CI runs besides the tests: ruff, buf lint, buf breaking, the import directions, the types
lint: lint-python lint-proto lint-proto-breaking lint-imports typecheck

lint-python: $(INSTALLED)
	$(VENV)/bin/ruff check .

## lint the protobuf contracts with buf (from npm)
lint-proto:
	cd proto && npx --yes @bufbuild/buf@$(BUF_VERSION) lint

## no breaking change against the last published contracts: the commit named in proto/BREAKING_BASELINE
## (a clean clone has no "previous main" ref to compare with; see README, "Contracts")
lint-proto-breaking:
	cd proto && npx --yes @bufbuild/buf@$(BUF_VERSION) breaking \
		--against "$$(git rev-parse --path-format=absolute --git-common-dir)#ref=$$(cat BREAKING_BASELINE),subdir=proto"

## the import directions of the service template (.importlinter), over the editable installs of make venv
lint-imports: proto
	$(VENV)/bin/lint-imports

## the type checker (mypy.ini) over the chassis and its tests, every service, the gateway, tests/ and deploy/
typecheck: proto
	$(VENV)/bin/mypy $(TYPED)

## draw every screen (officers' console, residents' web, public page) into var/screenshots/ with headless Chromium
screenshots: proto
	WUYE_SCREENSHOTS=$(CURDIR)/var/screenshots $(PY) -m pytest -n $(PYTEST_WORKERS) -k "not postgresql" \
		tests/test_console.py tests/test_resident_web.py tests/test_browser.py

## benchmarks: print figures, never assert timings
bench: proto
	$(PY) -m tests.bench

## re-pin every package after editing requirements*.txt
constraints:
	rm -rf .venv-pin && $(PYTHON) -m venv .venv-pin
	.venv-pin/bin/python -m pip install --quiet -r requirements-dev.txt
	{ echo "# Exact versions of every package the platform installs (pip install -c constraints.txt ...)."; \
	  echo "# Regenerate after changing requirements*.txt: make constraints"; \
	  .venv-pin/bin/python -m pip freeze --exclude pip; } > constraints.txt
	rm -rf .venv-pin

constraints-policy:
	rm -rf .venv-pin && $(PYTHON) -m venv .venv-pin
	.venv-pin/bin/python -m pip install --quiet -r requirements-policy.txt
	{ echo "# Exact versions of the policy scanner's packages (pip install -c constraints-policy.txt -r requirements-policy.txt)."; \
	  echo "# Regenerate after changing requirements-policy.txt: make constraints-policy"; \
	  .venv-pin/bin/python -m pip freeze --exclude pip; } > constraints-policy.txt
	rm -rf .venv-pin

clean:
	rm -rf $(VENV) $(POLICY_VENV) libs/contracts/src/wuye var .pytest_cache
