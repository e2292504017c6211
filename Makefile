# `make run` and `make test` do all the set-up themselves (venv, install, migrate).

VENV ?= .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
N ?= 2

.DEFAULT_GOAL := help

.PHONY: help venv dev-venv run run-services cluster migrate test test-embedded test-services lint \
	format messages bench bench-engine bench-load bench-admin bench-scale clean distclean

help:
	@echo "make run     - set up, migrate, serve on http://HOST:PORT (127.0.0.1:8000; DEBUG on)"
	@echo "make run-services - the same on PostgreSQL + Redis (SERVICES_DATABASE_URL, _REDIS_URL)"
	@echo "make cluster N=2  - N daphne processes behind nginx on PORT (PostgreSQL + Redis)"
	@echo "make test    - set up, lint, check the import contracts and formatting, run the test"
	@echo "               suite (embedded, then the room and event-log tests on PostgreSQL + Redis)"
	@echo "make lint    - ruff check and the import contracts (lint-imports, pyproject.toml)"
	@echo "make format  - ruff format and ruff check --fix"
	@echo "make messages - extract the UI's words again into the LANGS catalogs (th zh_Hans) of"
	@echo "               locale/ and of any app with a locale/ of its own, both domains (django:"
	@echo "               templates and Python, djangojs: static/js), then compile the .mo files"
	@echo "               (commit both; needs GNU gettext; docs/translations.md)"
	@echo "make bench   - both benchmarks below, into docs/benchmarks.md"
	@echo "make bench-engine - 1000 bot games per line-up in the engine alone (expert included)"
	@echo "make bench-admin  - the admin's event changelist with 1,000,000 events (PostgreSQL)"
	@echo "make bench-load   - 20 rooms at once over WebSockets against daphne (SQLite, then"
	@echo "                    PostgreSQL + Redis)"
	@echo "make bench-scale  - rooms at real timings, 1 human + 3 bots each, 50-400 rooms, on SQLite"
	@echo "                    (1 process) and PostgreSQL + Redis (1 and 2): about 30 minutes;"
	@echo "                    SCALE_ARGS=\"--rooms 100 --setups embedded --profile\" for one step"
	@echo "make clean   - remove caches and collected static files (keeps .venv and the db)"

venv: $(RUN_STAMP)
dev-venv: $(DEV_STAMP)

# Serving needs requirements.txt only; the tests and tools add requirements-dev.txt. Each is
# installed again only when its file is newer than its stamp.
$(RUN_STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -r requirements.txt
	touch $(RUN_STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -r requirements-dev.txt
	touch $(RUN_STAMP) $(DEV_STAMP)

migrate: venv
	$(PY) manage.py migrate --noinput

# No collectstatic: WhiteNoise serves static files from the finders. Django answers to HOST.
run: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(HOST)
run: migrate
	@echo "Liap Tui: open http://$(HOST):$(PORT)/"
	DJANGO_DEBUG=1 $(VENV)/bin/daphne -b $(HOST) -p $(PORT) gameproject.asgi:application

run-services: venv
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) $(MAKE) run

# N daphne processes (ports PORT+1 … PORT+N) behind nginx on HOST:PORT; Ctrl-C stops them all.
cluster: venv
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) \
		$(PY) -m deploy.cluster --processes $(N) --host $(HOST) --port $(PORT)

# The service-backed run: the room and event-log tests again on PostgreSQL and Redis.
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
SERVICES_REDIS_URL ?= redis://127.0.0.1:6379/0

# The embedded pass and the service-backed pass share nothing (SQLite files of their own and
# free ports, against PostgreSQL databases and Redis), so they run side by side.
test: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check .
	$(MAKE) -j2 --output-sync=target test-embedded test-services

test-embedded: dev-venv
	$(VENV)/bin/pytest -q -m "not services"

test-services: dev-venv
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) \
		$(VENV)/bin/pytest -q rooms eventlog tests/integration/test_scaleout.py \
		tests/integration/test_crash.py tests/integration/test_proxy.py tests/integration/test_verify.py \
		tests/integration/test_redis_gap.py \
		tests/integration/test_lost_broadcast.py::test_two_processes_on_postgresql_and_redis_catch_their_sockets_up \
		tests/integration/test_make.py::test_make_cluster_serves_through_nginx_and_stops_on_ctrl_c \
		tests/integration/test_fuzz.py::test_fuzz_on_postgresql_and_redis

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: dev-venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The catalogs (docs/translations.md). Run at the top, makemessages puts the words of an app with a
# locale/ directory of its own in that app's catalog and all others in locale/; new or changed
# msgids come back untranslated or fuzzy, which tests/test_translations.py refuses until they are
# translated. The .mo files are committed, so that a clone serves every language as it is.
LANGS ?= th zh_Hans
MESSAGES_OPTIONS = $(foreach lang,$(LANGS),-l $(lang)) --ignore=.venv --ignore=tests \
	--ignore=bench --ignore=staticfiles --ignore=test-results --no-obsolete --add-location=file
messages: venv
	$(PY) manage.py makemessages -d django $(MESSAGES_OPTIONS)
	$(PY) manage.py makemessages -d djangojs $(MESSAGES_OPTIONS)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=tests --ignore=bench

bench: bench-engine bench-load bench-admin

bench-engine: dev-venv
	$(PY) -m bench.engine

bench-load: dev-venv
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) $(PY) -m bench.load

# Rooms at the real timings (python -m bench.scale --help); not part of `make bench` (it takes
# about half an hour). The --profile option needs py-spy (requirements-dev.txt).
SCALE_ARGS ?=
bench-scale: dev-venv
	DATABASE_URL=$(SERVICES_DATABASE_URL) REDIS_URL=$(SERVICES_REDIS_URL) $(PY) -m bench.scale $(SCALE_ARGS)

# The event log's admin changelist with a million events, on a PostgreSQL database of its own.
bench-admin: dev-venv
	SERVICES_DATABASE_URL=$(SERVICES_DATABASE_URL) $(PY) -m bench.admin

clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .import_linter_cache .hypothesis test-results staticfiles

distclean: clean
	rm -rf $(VENV)
