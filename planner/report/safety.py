"""Text from an AWS account (names, tags) is untrusted in a spreadsheet.

A cell that starts with = + - @, a tab or a carriage return can be taken for a formula by
Excel, LibreOffice or Google Sheets (CSV injection). Such text gets a leading single quote, as
Cloud Custodian's csvout does, so it shows as the text it was.
"""

from __future__ import annotations

from planner.text import writable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Excel's limit on the text of one cell; XlsxWriter would cut longer text without a word.
MAX_CELL_CHARS = 32_767


def safe_text(value: str) -> str:
    value = cell_text(value)
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def cell_text(value: str) -> str:
    """Text one spreadsheet cell can hold: writable, and cut at the cell limit with a mark
    that says so and how long the text was."""
    value = writable(value)
    if len(value) <= MAX_CELL_CHARS:
        return value
    mark = f" [cut: {len(value):,} characters in all]"
    return value[:MAX_CELL_CHARS - len(mark)] + mark
