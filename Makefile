# The two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Prism and Twilio's OpenAPI description, pinned by exact version and integrity in tools/twilio-mock.
TWILIO_MOCK := .cache/twilio-mock
PRISM := $(TWILIO_MOCK)/.installed-stamp
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k sms -x"`.
PYTEST_ARGS ?=
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock"

.PHONY: run test lint install prism lock fresh-check bench clean

run: $(STAMP)
	$(BIN)/warmline run

test: $(STAMP) $(PRISM)
	$(BIN)/pytest $(PYTEST_ARGS)

# hadolint on the Dockerfile; the real Compose parser and schema on compose.yaml (the example env
# file and a throwaway password stand in for .env, which holds secrets and is never committed);
# the lock audited for known vulnerabilities.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile
	WARMLINE_ENV_FILE=.env.example POSTGRES_PASSWORD=lint-only $(BIN)/docker-compose --file compose.yaml config --quiet
	$(BIN)/python tools/audit_lock.py requirements-dev.txt

install: $(STAMP)

# Everything comes from the hashed lock; the project itself goes on top without resolving again.
$(STAMP): requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-resolve both locks from pyproject.toml: the runtime set (what Heroku and the image install)
# is constrained to the development set, so the two never disagree on a version.
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv; }
	$(UV_COMPILE) --upgrade --extra dev --output-file requirements-dev.txt
	$(UV_COMPILE) --constraint requirements-dev.txt --output-file requirements.txt

prism: $(PRISM)

# Prism plays Twilio's REST API from Twilio's own OpenAPI description, both from the npm lock;
# `npm ci` checks every package against the lock's integrity hash.
$(PRISM): tools/twilio-mock/package.json tools/twilio-mock/package-lock.json
	rm -rf $(TWILIO_MOCK)
	mkdir -p $(TWILIO_MOCK)
	cp tools/twilio-mock/package.json tools/twilio-mock/package-lock.json $(TWILIO_MOCK)/
	cd $(TWILIO_MOCK) && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

# A clone of HEAD in an empty folder runs the whole suite, and no test may be skipped.
fresh-check:
	tools/fresh-check

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .cache instance .pytest_cache .mypy_cache .ruff_cache
