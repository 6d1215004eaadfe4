# One entry point for people and CI. `make run` and `make check` work on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.package-lock.json
WEB_STAMP := web/node_modules/.package-lock.json

.PHONY: setup run demo check lint typecheck test bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

# Model lint tooling (bpmnlint, form schema) and the web app's front-end libraries, from npm.
$(NODE_STAMP): package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

$(WEB_STAMP): web/package-lock.json
	npm ci --prefix web --ignore-scripts --no-audit --no-fund --loglevel=error

setup: $(STAMP) $(NODE_STAMP) $(WEB_STAMP)

run: setup
	$(BIN)/wenping up

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

test: setup
	$(BIN)/pytest -q

check: lint typecheck test

demo: setup
	$(BIN)/wenping demo

bench: setup
	$(BIN)/python -m bench.engine
	$(BIN)/python -m bench.dmn
	$(BIN)/python -m bench.sampling

clean:
	rm -rf $(VENV) var
