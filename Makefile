# Each target makes .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-tools lint bench summary-png clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# setup.py and the C file: a changed fast path is compiled again.
$(STAMP): pyproject.toml setup.py planner/measure/_ctscan.c | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kmsplan demo

test: $(STAMP) test-tools
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# What the tests need beyond Python: LibreOffice recalculates the workbook in the formula
# tests. Installed when missing and this is root with apt-get (as .ci/run does); otherwise
# one line says what to install, before any test runs.
test-tools:
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: installing LibreOffice (libreoffice-calc-nogui) for the workbook tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      libreoffice-calc-nogui >/dev/null; \
	  else \
	    echo "make: the tests need LibreOffice (soffice): install libreoffice-calc-nogui (Debian/Ubuntu) or libreoffice, then run make test again" >&2; \
	    exit 1; \
	  fi; }

# The committed samples: the demo workbook and the README's picture of its Summary sheet,
# rendered by LibreOffice (needs poppler-utils for pdftoppm).
summary-png: $(STAMP)
	$(BIN)/kmsplan demo --out reports/demo.xlsx --quiet
	cp reports/demo.xlsx reports/demo-sample.xlsx
	$(BIN)/python scripts/render_summary.py reports/demo.xlsx --out docs/summary.png

bench: $(STAMP)
	$(BIN)/python bench/bench_plan.py 100000
	$(BIN)/python bench/bench_workbook.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
