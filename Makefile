# The two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Prism and Twilio's OpenAPI description, pinned by exact version and integrity in tools/twilio-mock.
TWILIO_MOCK := .cache/twilio-mock
PRISM := $(TWILIO_MOCK)/.installed-stamp

.PHONY: run test lint install prism e2e bench clean

run: $(STAMP)
	$(BIN)/warmline run

test: $(STAMP) $(PRISM)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

prism: $(PRISM)

# Prism plays Twilio's REST API from Twilio's own OpenAPI description, both from the npm lock;
# `npm ci` checks every package against the lock's integrity hash.
$(PRISM): tools/twilio-mock/package.json tools/twilio-mock/package-lock.json
	rm -rf $(TWILIO_MOCK)
	mkdir -p $(TWILIO_MOCK)
	cp tools/twilio-mock/package.json tools/twilio-mock/package-lock.json $(TWILIO_MOCK)/
	cd $(TWILIO_MOCK) && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .cache instance .pytest_cache .mypy_cache .ruff_cache
