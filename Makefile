# Quick start: `make run` then `make test`. Every target sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint train evaluate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/triage serve

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check triage api tests
	$(BIN)/mypy triage api

train: $(STAMP)
	$(BIN)/triage train

evaluate: $(STAMP)
	$(BIN)/triage evaluate

bench: $(STAMP)
	$(BIN)/python -m triage.bench

clean:
	rm -rf $(VENV) var
