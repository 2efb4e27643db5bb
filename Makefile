# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COMMUNITY ?= examples/strategy-club

.PHONY: run test check bench venv clean

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
# PostgreSQL and subprocesses (half the time of one).
test: check
	$(BIN)/python -m pytest -n 2

# Lint, format, types, and design.md's layers as import-linter contracts (pyproject.toml).
check: $(STAMP)
	$(BIN)/ruff check bot storage tests benchmarks
	$(BIN)/ruff format --check bot storage tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	@for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) membot.db membot.db-wal membot.db-shm .pytest_cache
