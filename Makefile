# `make demo` and `make test` work on a fresh machine with Python 3.11+ and make. `make install`
# creates .venv with what the bot needs, exactly as locked in requirements/runtime.lock; the test
# targets add the tools locked in requirements/dev.lock.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Test processes (pytest-xdist): one more than the cores, because a test spends a good part of its
# time waiting on PostgreSQL or a process it started (2 cores: 166 s with 2, 116 s with 3 and work
# stealing, for everything but the drills). WORKERS=0 runs the suite in one process.
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
XDIST = -n $(WORKERS) $(if $(filter 0,$(WORKERS)),,--dist worksteal)
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: install install-dev demo test test-fast lint typecheck layers pytest bench lock clean

$(BIN)/.runtime: requirements/runtime.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools
	$(PIP) install --require-hashes -r requirements/runtime.lock
	$(PIP) install --no-deps -e .
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements/dev.lock
	$(PIP) install --require-hashes -r requirements/dev.lock
	touch $@

install: $(BIN)/.runtime

install-dev: $(BIN)/.dev

# The console with a fresh, fictitious force: dvpn-bot doing its job without a Slack workspace.
demo: install
	$(BIN)/dvpn-bot console --demo

lint: install-dev
	$(BIN)/ruff check .

typecheck: install-dev
	$(BIN)/mypy

# Imports point one way (pyproject.toml, [tool.importlinter]).
layers: install-dev
	$(BIN)/lint-imports --no-cache

# Everything, drills included, on SQLite and (with DVPN_TEST_POSTGRES_URL) PostgreSQL: what CI runs.
# The drills run after the rest, two at a time, so their processes are not starved of the CPU by a
# full machine of fast tests (their time bounds allow for load, but not for that).
pytest: install-dev
	$(BIN)/pytest $(XDIST) -m "not drill"
	$(BIN)/pytest $(if $(filter 0,$(WORKERS)),-n 0,-n 2) -m drill

test: lint typecheck layers pytest

# The inner loop: everything but the drills (real processes against wall-clock waits).
test-fast: install-dev
	$(BIN)/pytest $(XDIST) -m "not drill"

bench: install-dev
	$(BIN)/python bench/clock_throughput.py
	$(BIN)/python bench/serve_cold_start.py
	$(BIN)/python bench/ack_latency.py
	$(BIN)/python bench/command_line_start.py

# Re-resolve the lock files after changing a dependency in pyproject.toml (needs pip-tools).
lock:
	pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
		--allow-unsafe -o requirements/runtime.lock pyproject.toml
	pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
		--allow-unsafe --extra dev -c requirements/runtime.lock -o requirements/dev.lock pyproject.toml

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache *.egg-info
