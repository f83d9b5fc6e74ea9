"""What a budget reviewer prints: the print areas of Summary and Forecast hold every cell
written on them (the coverage table's service group columns ran past column M, out of the
printed page)."""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from planner.report.workbook import write_workbook


@pytest.fixture(scope="module")
def rich_book(rich_plan, tmp_path_factory):
    path = tmp_path_factory.mktemp("print") / "plan.xlsx"
    write_workbook(rich_plan, path)
    return openpyxl.load_workbook(path)


@pytest.mark.parametrize("name", ["Summary", "Forecast"])
def test_the_print_area_holds_every_written_cell(rich_book, name):
    sheet = rich_book[name]
    [area] = sheet.print_area if isinstance(sheet.print_area, list) else [sheet.print_area]
    min_col, min_row, max_col, max_row = range_boundaries(area.split("!")[1])
    written = [(c.row, c.column) for row in sheet.iter_rows() for c in row
               if c.value is not None]
    assert written
    outside = [(r, c) for r, c in written if not (min_row <= r <= max_row and
                                                  min_col <= c <= max_col)]
    assert outside == []
    assert sheet.page_setup.orientation == "landscape"


def test_summary_prints_the_coverage_table_to_its_all_column(rich_book):
    sheet = rich_book["Summary"]
    header = next(row for row in sheet.iter_rows(values_only=True)
                  if row[0] == "Resources now by encryption")
    # Column A, then the 15 service groups (B to P), then "all" in Q: the 17th column, past
    # the charts' column M (13th), and the printed page ends with it.
    assert header.index("all") + 1 == 17
    _, _, max_col, _ = range_boundaries(sheet.print_area.split("!")[1])
    assert max_col == 17
