# The two commands of the README:  make run   and   make test
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: setup run test lint check lock manage

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock ".[dev]"
	touch $@

## web server + Celery worker + beat with demo data (embedded PostgreSQL/Redis unless DATABASE_URL/REDIS_URL)
run: setup
	$(PY) -m config.devstack run

## the whole test suite (browser tests need Debian's chromium; see docs/operations.md)
test: setup
	$(PY) -m config.devstack test $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## any manage.py command against the same services, e.g.  make manage ARGS="createsuperuser"
manage: setup
	$(PY) -m config.devstack manage $(ARGS)

lock: setup
	$(PY) -m pip freeze --exclude-editable | grep -v '^fupin-accountability' > requirements.lock.new
	@echo "review requirements.lock.new (keep the header comment), then replace requirements.lock"
