# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
COMMUNITY ?= examples/strategy-club

.PHONY: run test bench venv clean

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

# Two workers: the suite is mostly waiting on SQLite, PostgreSQL and subprocesses (half the time of one).
test: $(STAMP)
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	@for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) membot.db membot.db-wal membot.db-shm .pytest_cache
