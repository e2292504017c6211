# `make run` and `make test` do all the set-up themselves (venv, install, migrate).

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

.PHONY: help venv run migrate test test-services lint format bench bench-engine bench-load clean distclean

help:
	@echo "make run     - set up, migrate, serve on http://127.0.0.1:8000 (DEBUG on)"
	@echo "make test    - set up, lint, check formatting, run the test suite (embedded, then"
	@echo "               the room and event-log tests on PostgreSQL + Redis)"
	@echo "make lint    - ruff check"
	@echo "make format  - ruff format and ruff check --fix"
	@echo "make bench   - both benchmarks below, into docs/benchmarks.md"
	@echo "make bench-engine - 1000 bot games per line-up in the engine alone (expert included)"
	@echo "make bench-load   - 20 rooms at once over WebSockets against daphne (SQLite, then"
	@echo "                    PostgreSQL + Redis)"
	@echo "make clean   - remove caches and collected static files (keeps .venv and the db)"

venv: $(STAMP)

# Re-install only when a requirements file is newer than the stamp.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -r requirements-dev.txt
	touch $(STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

# No collectstatic: WhiteNoise serves static files from the finders.
run: migrate
	DJANGO_DEBUG=1 $(VENV)/bin/daphne -b 127.0.0.1 -p 8000 gameproject.asgi:application

# The service-backed run: the room and event-log tests again on PostgreSQL and Redis.
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/0

test: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -q -m "not services"
	$(MAKE) test-services

test-services: venv
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) \
		$(VENV)/bin/pytest -q rooms eventlog tests/integration/test_scaleout.py

lint: venv
	$(VENV)/bin/ruff check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: bench-engine bench-load

bench-engine: venv
	$(PY) -m bench.engine

bench-load: venv
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) $(PY) -m bench.load

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis test-results staticfiles

distclean: clean
	rm -rf $(VENV)
