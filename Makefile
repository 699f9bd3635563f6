# Entry points for a fresh machine with Python 3.11: `make demo` (the product, offline),
# `make test`, and `make run` (the real bot, with a token).
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: run demo test lint check bench report export import backup

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

# The staff commands, without activating the environment (or: .venv/bin/surveibot …).
# CONFIG names the configuration (the demo writes surveibot-demo/config.toml for its database).
CONFIG ?= config.toml
report: $(BIN)/.installed
	$(BIN)/surveibot report $(MONTH) -c $(CONFIG)

export: $(BIN)/.installed
	$(BIN)/surveibot export $(MONTH) -c $(CONFIG) $(if $(FORMAT),--format $(FORMAT))

import: $(BIN)/.installed
	$(BIN)/surveibot import $(FILE) -c $(CONFIG)

backup: $(BIN)/.installed
	$(BIN)/surveibot backup $(FILE) -c $(CONFIG)

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
