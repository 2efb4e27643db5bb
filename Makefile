# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COMMUNITY ?= examples/strategy-club

.PHONY: run test test-long test-all check bench venv clean clean-db

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/membot db upgrade
	$(BIN)/membot import $(COMMUNITY)
	$(BIN)/membot run --community $(COMMUNITY)

# The gates first (seconds), then the suite. Two workers: the suite is mostly waiting on SQLite,
# PostgreSQL and subprocesses (half the time of one). The 14 tests of 20 s or more (`long`: weeks of
# simulated time, or the FAQ model in an app) run in `make test-long`; `make test-all` runs everything.
test: check
	$(BIN)/python -m pytest -n 2 -m "not long"

test-long: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m long

test-all: check
	$(BIN)/python -m pytest -n 2

# Lint, format, types, and design.md's layers as import-linter contracts (pyproject.toml).
check: $(STAMP)
	$(BIN)/ruff check bot storage tests benchmarks
	$(BIN)/ruff format --check bot storage tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	@for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

# The build and caches only: membot.db is the source of truth once imported, and stays.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache membot.egg-info

# The local SQLite database (members, payments, history) and its console files, for a fresh start.
clean-db:
	@echo "Deleting the local database membot.db (members, memberships, history) and membot.log, membot-files/."
	rm -f membot.db membot.db-wal membot.db-shm membot.log
	rm -rf membot-files
