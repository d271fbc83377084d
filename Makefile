# `make plan STACK=<name>` plans a committed stack offline; `make test` runs lint and the test suite.
# Both create the virtualenv (.venv) on first use; a fresh machine needs only Python 3.11+, pip and make
# (`make PYTHON=python3.12 test` picks the interpreter).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STACK ?= dev
JSON ?=

.PHONY: plan test lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "wandb-platform needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) -V 2>&1 | head -n 1). Run: make PYTHON=python3.11 <target>"; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

plan: $(VENV)/.installed
	$(PY) -m stacks.plan --stack $(STACK) $(if $(JSON),--json $(JSON))

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/zizmor --offline --quiet .github/workflows

test: lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache
