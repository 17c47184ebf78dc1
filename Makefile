# Two commands for a newcomer: `make run` starts the dashboard, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.run-installed

# Served on this machine only (ADDRESS=0.0.0.0 make run shares it: read-only unless sign-in is set up, README "Team use").
ADDRESS ?= 127.0.0.1
run: $(VENV)/.run-installed
	$(BIN)/conflict-monitor serve --server.address $(ADDRESS) --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

# Two workers, a test file each at a time (its servers and stores are made once): about 2 minutes on 2 cores.
test: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto --dist loadfile

bench: $(VENV)/.test-installed
	$(BIN)/python tests/benchmark.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
