# The two commands of README.md: `make run` and `make test`. Both start with `make setup`,
# which installs only what changed since the last run (stamp files under .venv and node_modules).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TERRITOIRES := $(BIN)/territoires
DATA_DIR ?= $(or $(TERRITOIRES_DATA_DIR),../shared/data)

.PHONY: setup run worker serve load lint test test-sqlite test-postgres bench demo clean

setup: $(VENV)/.installed node_modules/.installed var/.system-packages

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# compat mode: a .pth with the repository on sys.path, so a new app needs no reinstall.
	$(BIN)/pip install -q -e ".[test]" --config-settings editable_mode=compat
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

var/.system-packages: scripts/system-packages.sh
	mkdir -p var
	scripts/system-packages.sh
	touch $@

load: setup
	$(TERRITOIRES) migrate --noinput -v 0
	$(TERRITOIRES) load-geo
	$(TERRITOIRES) import-ti $(DATA_DIR)/ti/ti-2019-2022.geojson --phase 2019-2022
	$(TERRITOIRES) import-ti $(DATA_DIR)/ti/ti-2023-2027.geojson --phase 2023-2027
	$(TERRITOIRES) load-offers

run: load
	$(if $(DEMO),$(TERRITOIRES) demo-plans)
	$(if $(DEMO),$(TERRITOIRES) demo-contacts)
	$(if $(DEMO),$(TERRITOIRES) demo-offers)
	@echo "Plateforme servie sur http://127.0.0.1:8000 (tâches de fond : territoires db_worker)"
	@# The worker runs beside the server. A background job ignores Ctrl-C (no job control in make's
	@# shell), so the trap stops it (SIGTERM: it finishes its current task) when the server stops.
	@# --no-reload: restart `make run` after changing a task's code (docs/tasks.md).
	$(TERRITOIRES) db_worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(TERRITOIRES) runserver 127.0.0.1:8000

# The task worker alone (production: a systemd unit, docs/tasks.md).
worker: setup
	$(TERRITOIRES) db_worker --no-reload

# lint first: a formatting slip fails in seconds, not after the suites.
test: setup lint test-sqlite test-postgres

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# One test process per core (pytest-xdist), at most 4: each loads the real data into its own database
# (~20 s, ~0.5 GB); pytest-django names the PostgreSQL ones test_territoires_gw0, _gw1... (docs/decisions.md).
TEST_WORKERS ?= $(shell n=$$(nproc); echo $$(( n < 4 ? n : 4 )))
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS)

test-sqlite:
	$(PYTEST)

test-postgres:
	scripts/postgres.sh start
	DATABASE_URL="postgres://postgres@/territoires?host=$$(scripts/postgres.sh dir)/socket" $(PYTEST)

# Example action plans (titles « [Exemple] »), only when asked: `make demo` or `make run DEMO=1`.
demo: load
	$(TERRITOIRES) demo-plans
	$(TERRITOIRES) demo-contacts
	$(TERRITOIRES) demo-offers

bench: load
	for bench in benchmarks/*_bench.py; do echo "== $$bench"; $(BIN)/python $$bench || exit 1; done

clean:
	rm -rf $(VENV) node_modules var
