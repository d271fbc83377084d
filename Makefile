# `make plan STACK=<name>` plans a committed stack offline; `make test` runs lint and the test suite.
# Both create the virtualenv (.venv) on first use; a fresh machine needs only python3, pip and make.
VENV ?= .venv
PY := $(VENV)/bin/python
STACK ?= dev
JSON ?=

.PHONY: plan test lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

plan: $(VENV)/.installed
	$(PY) -m stacks.plan --stack $(STACK) $(if $(JSON),--json $(JSON))

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache
