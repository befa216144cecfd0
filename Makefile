# OnlyJobless: `make run` serves the app, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The MongoDB wire server for the tests (SecantusDB, GPL-2.0) lives in a venv of its own, never the app's.
MONGO_VENV := .venv-mongo
TOOLS := .tools
BUN_VERSION := 1.4.5
COVERAGE_MIN := 90
IMAGE ?= onlyjobless:latest

# Reflex needs bun (Node 20 is too old for it): bun comes from the npm registry.
export PATH := $(CURDIR)/$(TOOLS)/node_modules/.bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_USE_GRANIAN := 1
export REFLEX_TELEMETRY_ENABLED := false

.PHONY: run test lint typecheck migrate bench clean help image docker fonts chromium

help:
	@echo "make run   - install, migrate and serve the production build on http://127.0.0.1:$${PORT:-3000}"
	@echo "make test  - install test tools, lint, type-check, run every test with the coverage gate"
	@echo "make image - build the Docker image $(IMAGE) (starts dockerd; makes a local base if no registry)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

$(MONGO_VENV)/.installed: requirements-mongo.txt
	$(PYTHON) -m venv $(MONGO_VENV)
	$(MONGO_VENV)/bin/pip install -q -r requirements-mongo.txt
	touch $@

$(TOOLS)/node_modules/.bin/bun:
	mkdir -p $(TOOLS)
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's Chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The PDF reports are set in DejaVu Sans (Cyrillic included), from Debian's fonts-dejavu-core.
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
		echo "Installing Debian's DejaVu fonts for the PDF reports"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; }

migrate: $(VENV)/.runtime
	$(BIN)/python -m onlyjobless migrate

run: $(VENV)/.runtime $(TOOLS)/node_modules/.bin/bun fonts migrate
	@$(BIN)/python -m onlyjobless about
	$(BIN)/reflex run --env prod --loglevel warning

# Docker (for `make image` and the container tests): installed from Debian and started if needed.
docker:
	deploy/dockerd.sh

image: docker
	deploy/build-image.sh $(IMAGE)

lint: $(VENV)/.dev
	$(BIN)/ruff check onlyjobless tests alembic rxconfig.py $(wildcard benchmarks)
	$(BIN)/ruff format --check onlyjobless tests alembic rxconfig.py $(wildcard benchmarks)
	$(BIN)/hadolint Dockerfile deploy/base.Dockerfile
	$(BIN)/actionlint
	$(BIN)/shellcheck deploy/*.sh .ci/run
	$(BIN)/codespell onlyjobless tests alembic benchmarks deploy assets .ci .github README.md Makefile \
		Dockerfile docker-compose.yml rxconfig.py pyproject.toml .pre-commit-config.yaml

typecheck: $(VENV)/.dev
	$(BIN)/mypy onlyjobless

test: $(VENV)/.dev $(MONGO_VENV)/.installed $(TOOLS)/node_modules/.bin/bun chromium fonts docker lint typecheck
	$(BIN)/python -m pytest --cov=onlyjobless --cov-report=term:skip-covered \
		--cov-fail-under=$(COVERAGE_MIN) $(PYTEST_ARGS)

# The load sweep (1 and 2 workers, REST+SSE, with the login burst), then the browser streaming figures.
bench: $(VENV)/.dev $(TOOLS)/node_modules/.bin/bun chromium
	$(BIN)/python -m benchmarks.load --login-burst
	$(BIN)/python -m benchmarks.stream

clean:
	rm -rf .web .states $(TOOLS) htmlcov .coverage .pytest_cache .mypy_cache .ruff_cache
