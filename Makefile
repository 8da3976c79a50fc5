# openmun: `make run` serves the portal on http://127.0.0.1:8000/, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The embedded default: SQLite in var/, local-memory cache, console e-mail sent by a background worker, debug on.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}
HOST ?= 127.0.0.1
# The suite runs in one process per core, up to 3 (pytest-xdist), the tests handed out in their order;
# TEST_PROCESSES=0 runs it in this process alone.
TEST_PROCESSES ?= auto
PYTEST := $(BIN)/python -m pytest --numprocesses=$(TEST_PROCESSES) --maxprocesses=3
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
	$(RUN_ENV) $(MANAGE) generate_council_sessions
	$(RUN_ENV) $(MANAGE) rebuild_search_index -v0
	@echo
	@echo "  openmun is at http://$(HOST):$(PORT)/ (Arabic) and http://$(HOST):$(PORT)/fr/ (French)."
	@echo "  Staff area: http://$(HOST):$(PORT)/ar/admin/. Create a staff account with: make admin"
	@echo "  E-mail is sent by the background worker started here, and printed below."
	@echo
# The worker (manage.py db_worker) runs in a process group of its own, stopped with the server, reloader included.
	$(RUN_ENV) setsid $(MANAGE) db_worker --queue-name '*' & worker=$$!; \
	  trap 'kill -TERM -- -$$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  $(RUN_ENV) $(MANAGE) runserver $(HOST):$(PORT)

admin: $(VENV)/.installed-run
	@mkdir -p var
	$(RUN_ENV) $(MANAGE) migrate --noinput -v0
	$(RUN_ENV) $(MANAGE) createsuperuser

# Lint (ruff, formatting, the one-way app layers of pyproject.toml), then every test, browser tests included.
test: | $(BIN)/python
	@scripts/system-deps test
	@$(MAKE) --no-print-directory $(VENV)/.installed-test compilemessages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PYTEST)

# The same suite against PostgreSQL (DATABASE_URL defaults to the local server, user postgres).
test-postgres: | $(BIN)/python
	@scripts/system-deps test
	@$(MAKE) --no-print-directory $(VENV)/.installed-test compilemessages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/openmun} $(PYTEST)

test-browser: $(VENV)/.installed-test compilemessages
	@scripts/system-deps test
	$(PYTEST) tests/browser

check-deploy: $(VENV)/.installed-run
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
	  DJANGO_ALLOWED_HOSTS=openmun.example.ma $(MANAGE) check --deploy --fail-level WARNING

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: $(VENV)/.installed-run
	DJANGO_DEBUG=true $(MANAGE) makemessages -l ar -l fr --no-obsolete --ignore=.venv --ignore=var

# Every benchmark on scratch databases in var/bench/, printed as one table (bench/run.py): pages against a
# bare view and their queries at 1× and 100× the data, gunicorn under load (uncached, cached), the PDF,
# supports and votes per second through the services, and on PostgreSQL through HTTP too (bench/http_bench.py).
# The factories of the tests build the data.
.PHONY: bench serve-prod smoke-prod backup restore
bench: | $(BIN)/python
	@scripts/system-deps bench
	@$(MAKE) --no-print-directory $(VENV)/.installed-test compilemessages
	$(BIN)/python bench/run.py

# Production settings on this machine: gunicorn (2 workers) and a background worker (mail, PDFs rendered ahead),
# PostgreSQL and Redis on their local ports
# (docs/operations.md; every setting can be overridden from the environment: docs/configuration.md).
serve-prod: $(VENV)/.installed-run
	@scripts/system-deps run
	scripts/serve-prod

# What CI checks of production: start serve-prod, check pages, headers, static files, mail sent by the background
# worker, the admin's sign-in, a Redis and a database outage and the recovery from each, then stop.
smoke-prod: $(VENV)/.installed-run
	$(BIN)/python .ci/prod_smoke.py

# Back up the data and the uploads into var/backups/<date> (FORMAT=native for pg_dump or SQLite's own copy);
# restore one into an empty database with: make restore BACKUP=var/backups/<date>
FORMAT ?= json
backup: $(VENV)/.installed-run
	$(RUN_ENV) $(MANAGE) backup --format $(FORMAT) var/backups/$$(date +%Y-%m-%d-%H%M%S)

restore: $(VENV)/.installed-run
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<date>"; exit 2; }
	$(RUN_ENV) $(MANAGE) restore $(BACKUP)

clean:
	rm -rf $(VENV) var .pytest_cache
