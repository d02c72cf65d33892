# Crossdesk — `make run` starts the bot (or, without Slack credentials, explains what to set);
# `make test` runs the whole suite. Both create .venv and install what they need on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format install migrate check-config clean help reliability bench

help:
	@echo "make run           run the bot (Slack credentials from the environment or .env), else the sandbox"
	@echo "                   options go through ARGS, e.g. make run ARGS=\"--port 9000 --reset\""
	@echo "make test          run the test suite (PostgreSQL too when TEST_POSTGRES_URL is set)"
	@echo "make lint          ruff (lint + format check) and mypy"
	@echo "make format        apply ruff's formatting and safe fixes"
	@echo "make migrate       apply database migrations to DATABASE_URL"
	@echo "make check-config  validate crossdesk.yaml (or CONFIG=path)"
	@echo "make bench         benchmarks against two floors; writes bench/results.json and docs/benchmarks.md (BENCH_QUICK=1: < 2 min)"
	@echo "make reliability   replica, fault and hostile-input suites at full scale; writes docs/reliability.md"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Crossdesk needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

ARGS ?=

run: $(STAMP)
	@if [ -n "$$SLACK_BOT_TOKEN" ] || grep -qs '^SLACK_BOT_TOKEN=.' .env; then \
		$(BIN)/crossdesk run $(ARGS); \
	else \
		$(BIN)/crossdesk sandbox $(ARGS); \
	fi

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot storage config bench

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(BIN)/crossdesk migrate

CONFIG ?= crossdesk.yaml
check-config: $(STAMP)
	$(BIN)/crossdesk check-config $(CONFIG)

# The suites at full scale (CI runs them short inside `make test`); each writes its figures as JSON, then one page.
# They need PostgreSQL (TEST_POSTGRES_URL, default the local server). The page is written only when all pass.
reliability: $(STAMP)
	@dir=$$(mktemp -d) && \
	RELIABILITY_SCALE=full RELIABILITY_REPORT_DIR=$$dir \
	TEST_POSTGRES_URL="$${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}" \
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability && \
	$(BIN)/python -m tests.reliability.report $$dir docs/reliability.md; \
	status=$$?; rm -rf $$dir; exit $$status

# The bot against two floors measured in the same run (see bench/__init__.py); PostgreSQL too when TEST_POSTGRES_URL is set.
BENCH_QUICK ?=
bench: $(STAMP)
	$(BIN)/python -m bench $(if $(filter 1 yes true,$(BENCH_QUICK)),--quick,)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
