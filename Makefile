# Entry points for a fresh machine with Python 3.11: `make demo` (the product, offline),
# `make test`, and `make run` (the real bot, with a token).
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: run demo test lint check bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

config.toml:
	cp config.example.toml config.toml

# The real bot against an in-process sandbox Bot API: a simulated month, then its report.
demo: $(BIN)/.installed
	$(BIN)/surveibot demo --out surveibot-demo

# Runs the bot with config.toml (created from config.example.toml on first use).
# The token comes from config.toml or the environment variable SURVEIBOT_TOKEN.
run: $(BIN)/.installed config.toml
	$(BIN)/surveibot run -c config.toml

test: $(BIN)/.installed
	$(BIN)/pytest -q

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: lint test
