# Two commands set everything up on a fresh machine: `make dataset` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dataset test install studio-install bench generate lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make dataset: install, validate annotations/, build dist/hub/ and print a summary
dataset: $(STAMP)
	$(BIN)/tahqiq generate --check
	$(BIN)/tahqiq validate annotations
	$(BIN)/tahqiq build --annotations annotations --out dist/hub

## Label Studio runs from its own venv under .studio/ (it pins label-studio-sdk and Django exactly)
studio-install: $(STAMP)
	$(BIN)/tahqiq studio install

## make test: install, install the Label Studio server the tests start, run pytest
test: $(STAMP) studio-install
	$(BIN)/python -m pytest

## make bench: start-up time, then validate and build on synthetic exports of 1k / 10k / 100k tasks (a few minutes)
bench: $(STAMP)
	$(BIN)/python scripts/bench_startup.py
	$(BIN)/python scripts/bench_scale.py

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

generate: $(STAMP)
	$(BIN)/tahqiq generate

clean:
	rm -rf dist .pytest_cache
