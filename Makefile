# The two commands of the README: `make serve` (build and serve the site) and `make test`.
# Both set up everything they need on a fresh machine: a virtualenv, npm packages, Chromium.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
BASE ?= /

.PHONY: setup serve build test test-core bench chromium clean

setup: $(VENV)/.installed node_modules/.package-lock.json

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,site]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

chromium:
	@sh tools/ensure_chromium.sh

build: setup
	$(BIN)/python -m site_scripts.build

serve: build
	$(BIN)/python -m tools.serve --dir site --port $(PORT) --base $(BASE)

test: setup chromium build
	QMAS_REQUIRE_SITE=1 $(BIN)/python -m pytest

test-core: setup
	$(BIN)/python -m pytest tests/core

bench: setup chromium
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m tools.bench --runs 7 --network-runs 3 --out bench-report.json

clean:
	rm -rf site build dist $(VENV) node_modules
