# The two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PRISM := .cache/prism/node_modules/.bin/prism

.PHONY: run test lint install prism e2e bench clean

run: $(STAMP)
	$(BIN)/warmline run

test: $(STAMP) $(PRISM)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

prism: $(PRISM)

# Prism plays Twilio's REST API from Twilio's own OpenAPI description (../shared/twilio).
$(PRISM):
	npm install --silent --no-audit --no-fund --prefix .cache/prism @stoplight/prism-cli@5

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .cache instance .pytest_cache .mypy_cache .ruff_cache
