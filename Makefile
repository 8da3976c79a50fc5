# openmun: `make run` serves the portal on http://127.0.0.1:8000/, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The embedded default: SQLite in var/, local-memory cache, console e-mail, debug on.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres test-browser admin lint format messages compilemessages check-deploy clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "openmun needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

compilemessages: | $(BIN)/python
	@DJANGO_DEBUG=true $(MANAGE) compilemessages -v0 --ignore='.venv' --ignore='var'

run: | $(BIN)/python
	@scripts/system-deps run
	@$(MAKE) --no-print-directory $(VENV)/.installed-run compilemessages
	@mkdir -p var
	$(RUN_ENV) $(MANAGE) migrate --noinput -v0
	$(RUN_ENV) $(MANAGE) load_commune_data
	@echo
	@echo "  openmun is at http://$(HOST):$(PORT)/ (Arabic) and http://$(HOST):$(PORT)/fr/ (French)."
	@echo "  Staff area: http://$(HOST):$(PORT)/ar/admin/. Create a staff account with: make admin"
	@echo
	$(RUN_ENV) $(MANAGE) runserver $(HOST):$(PORT)

admin: $(VENV)/.installed-run
	@mkdir -p var
	$(RUN_ENV) $(MANAGE) migrate --noinput -v0
	$(RUN_ENV) $(MANAGE) createsuperuser

test: | $(BIN)/python
	@scripts/system-deps test
	@$(MAKE) --no-print-directory $(VENV)/.installed-test compilemessages
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The same suite against PostgreSQL (DATABASE_URL defaults to the local server, user postgres).
test-postgres: | $(BIN)/python
	@scripts/system-deps test
	@$(MAKE) --no-print-directory $(VENV)/.installed-test compilemessages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/openmun} $(BIN)/python -m pytest

test-browser: $(VENV)/.installed-test compilemessages
	@scripts/system-deps test
	$(BIN)/python -m pytest tests/browser

check-deploy: $(VENV)/.installed-run
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  DJANGO_ALLOWED_HOSTS=openmun.example.ma $(MANAGE) check --deploy --fail-level WARNING

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(VENV)/.installed-run
	DJANGO_DEBUG=true $(MANAGE) makemessages -l ar -l fr --no-obsolete --ignore=.venv --ignore=var

# Render times and peak memory of the programme's PDF in Arabic and French, on the commune's data
# loaded into a scratch SQLite database.
.PHONY: bench
BENCH_ENV := DJANGO_DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/bench.sqlite3
bench: | $(BIN)/python
	@scripts/system-deps run
	@$(MAKE) --no-print-directory $(VENV)/.installed-run compilemessages
	@mkdir -p var && rm -f var/bench.sqlite3
	$(BENCH_ENV) $(MANAGE) migrate --noinput -v0
	$(BENCH_ENV) $(MANAGE) loaddata fixtures/programme.json -v0
	$(BENCH_ENV) $(BIN)/python bench/pdf_bench.py

clean:
	rm -rf $(VENV) var .pytest_cache
