# Each target makes .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench summary-png clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# setup.py and the C file: a changed fast path is compiled again.
$(STAMP): pyproject.toml setup.py planner/measure/_ctscan.c | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kmsplan demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

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
