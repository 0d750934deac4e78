# Renouveau — the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
PORT ?= 8000
SYSTEM_UV := $(shell command -v uv 2>/dev/null)
ifeq ($(SYSTEM_UV),)
UV := .venv/bin/uv
UV_DEP := .venv/bin/uv
else
UV := $(SYSTEM_UV)
UV_DEP :=
endif
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
PY := .venv/bin/python

.PHONY: install run test lint format migrations messages bench worker scheduler check-deploy

# uv is bootstrapped with pip inside the project's virtual environment when not installed.
.venv/bin/uv:
	$(PYTHON) -m venv .venv
	.venv/bin/python -m pip install --quiet --disable-pip-version-check uv==0.13.8

install: $(UV_DEP)
	$(UV) sync --frozen --inexact --quiet

# Serve on the embedded default (SQLite, no other service), with the AMP 2R data loaded and the
# demonstration dataset unless DEMO_DATA=0. Background tasks run inline (TASKS_BACKEND=immediate);
# in production they run in `manage.py db_worker`.
run: install
	@mkdir -p var
	DEBUG=$${DEBUG:-1} TASKS_BACKEND=$${TASKS_BACKEND:-immediate} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} TASKS_BACKEND=$${TASKS_BACKEND:-immediate} $(PY) manage.py seed
	DEBUG=$${DEBUG:-1} TASKS_BACKEND=$${TASKS_BACKEND:-immediate} $(PY) manage.py runserver 127.0.0.1:$(PORT) $(RUNSERVER_ARGS)

# The whole test suite: on PostgreSQL when DATABASE_URL is set, otherwise on SQLite.
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

migrations: install
	DEBUG=1 $(PY) manage.py makemigrations

# Extract and compile the translations (needs GNU gettext).
messages: install
	for app in renouveau/*/; do \
	  if [ -d "$$app/templates" ] || ls $$app*.py >/dev/null 2>&1; then \
	    (cd $$app && mkdir -p locale && ../../$(PY) ../../manage.py makemessages -l en --no-obsolete >/dev/null); \
	  fi; \
	done
	$(PY) manage.py compilemessages >/dev/null

worker: install
	$(PY) manage.py db_worker

# Enqueues the periodic jobs (renouveau/core/scheduler.py); several may run, each run once.
scheduler: install
	$(PY) manage.py scheduler

bench: install
	$(PY) bench/load.py
