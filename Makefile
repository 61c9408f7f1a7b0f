# Two commands for a newcomer: `make report` (install + daily reports on the sample pack)
# and `make test`. Everything lives in .venv; a second run reuses it.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
KERNEL := workbench

.PHONY: install report test lint bench clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	@echo "Installing into $(VENV) with $(PYTHON) ..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (workbench)" >/dev/null
	@touch $(STAMP)

install: $(STAMP)

report: install
	$(BIN)/workbench batch parameters/daily.yaml

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check workbench tests bench

bench: install
	$(BIN)/python bench/coverage.py
	$(BIN)/python bench/maps.py
	$(BIN)/python bench/batch.py

clean:
	rm -rf reports runs
