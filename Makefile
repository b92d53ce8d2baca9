# Two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lock lint test-sqlite test-postgres loadtest messages bench bench-exports clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every package, pip included, is installed at its pinned version and checked against its hash.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_seeds --demo-users
	# The background worker (mail, large exports) runs beside the development server and stops with it.
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Compile requirements*.in into the hashed requirements*.txt, keeping every other pin;
# `make lock UPGRADE=django` moves one package (and what it needs) to its newest allowed release.
PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade-package $(UPGRADE))
lock: install
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# Each pass runs on TEST_WORKERS processes (pytest-xdist), each with its own database and files;
# `make test TEST_WORKERS=0` runs in one process.
TEST_WORKERS ?= auto
test-sqlite: install
	DATABASE_URL= $(BIN)/pytest -n $(TEST_WORKERS)

test-postgres: install
	$(BIN)/python tests/run_postgres.py -n $(TEST_WORKERS)

test: lint test-sqlite test-postgres

# Not part of `make test`: its own PostgreSQL server and gunicorn (production settings), simulated users.
# `make loadtest LOAD_FAULT=1` also stops and starts the database in the middle. Reports go to var/loadtest/.
LOAD_USERS ?= 50
LOAD_SECONDS ?= 60
LOAD_TICKETS ?= 100000
LOAD_FAULT ?=
loadtest: install
	$(BIN)/python -m tests.benchmarks.load --users $(LOAD_USERS) --duration $(LOAD_SECONDS) --tickets $(LOAD_TICKETS) $(if $(LOAD_FAULT),--fault)

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Not part of `make test`: server time, SQL queries and requests per second of the main pages at each
# size, beside a bare page served by the same gunicorn (production settings, its own PostgreSQL).
# The databases are kept in var/bench/ until migrations or the data generator change (BENCH_REBUILD=1
# builds them again); the report goes to var/bench/report.md and .json, and with BENCH_WRITE_DOCS=1
# into docs/performance.md. See docs/performance.md.
BENCH_TICKETS ?= 1000 100000 300000
BENCH_ROUNDS ?= 5
BENCH_REQUESTS ?= 10
BENCH_REBUILD ?=
BENCH_WRITE_DOCS ?=
bench: install
	$(BIN)/python -m tests.benchmarks.pages --tickets $(BENCH_TICKETS) --rounds $(BENCH_ROUNDS) \
		--requests $(BENCH_REQUESTS) $(if $(BENCH_REBUILD),--rebuild) $(if $(BENCH_WRITE_DOCS),--write-docs)

# Peak memory and seconds of the ticket export, streamed and as a job (not part of `make test`).
BENCH_SIZES ?= 10000 100000
bench-exports: install
	$(BIN)/python tests/benchmarks/export_memory.py $(BENCH_SIZES)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
