# Two commands for a newcomer: `make report` (install + daily reports on the sample pack)
# and `make test`. Everything lives in .venv; a second run reuses it.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
KERNEL := workbench

.PHONY: install notebook-filter report test lint bench clean

$(STAMP): pyproject.toml setup.py
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)"; exit 1; }
	@echo "Installing into $(VENV) with $(PYTHON) ..."
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,dev,explore,dask]'
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (workbench)" >/dev/null
	@$(MAKE) --no-print-directory notebook-filter
	@touch $(STAMP)

# Committed notebooks stay without outputs: git stores every *.ipynb through nbstripout (cell ids
# kept, so that the committed notebooks pass through unchanged); `git diff` shows them stripped.
# A notebook saved with outputs in JupyterLab keeps them in the working tree only.
NBSTRIPOUT := "$(abspath $(BIN))/python" -m nbstripout --keep-id
notebook-filter:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.nbstripout.clean '$(NBSTRIPOUT)' && \
	  git config filter.nbstripout.smudge cat && \
	  git config filter.nbstripout.required true && \
	  git config diff.ipynb.textconv '$(NBSTRIPOUT) -t' && \
	  attributes="$$(git rev-parse --git-path info/attributes)" && mkdir -p "$$(dirname "$$attributes")" && \
	  { grep -qsx '\*.ipynb filter=nbstripout diff=ipynb' "$$attributes" \
	    || echo '*.ipynb filter=nbstripout diff=ipynb' >> "$$attributes"; } && \
	  echo "git stores notebooks without outputs (nbstripout filter, in $$attributes)"; \
	else echo "not a git checkout: no notebook filter set up"; fi

install: $(STAMP)

# The showcase: the briefs of the day before the sample's report date first, then every report of
# the report date, so that the brief's "since the last brief" has something to compare with.
PREVIOUS_DAY = $$($(BIN)/python -c 'import datetime as d; from workbench.intake.catalog import open_pack; \
	print((open_pack().resolve_date(None) - d.timedelta(days=1)).date())')
report: install
	$(BIN)/workbench batch parameters/daily.yaml --jobs 2 --only daily_brief --date $(PREVIOUS_DAY)
	$(BIN)/workbench batch parameters/daily.yaml --jobs 2

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
