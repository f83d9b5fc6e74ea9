# Each target makes .venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench summary-png clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kmsplan demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The README's picture: the demo workbook's Summary sheet, rendered by LibreOffice.
summary-png: $(STAMP)
	$(BIN)/kmsplan demo --out reports/demo.xlsx --quiet
	$(BIN)/python scripts/render_summary.py reports/demo.xlsx --out docs/summary.png

bench: $(STAMP)
	$(BIN)/python bench/bench_plan.py 100000
	$(BIN)/python bench/bench_workbook.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
