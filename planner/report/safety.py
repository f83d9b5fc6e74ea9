"""Text from an AWS account (names, tags) is untrusted in a spreadsheet.

A cell that starts with = + - @, a tab or a carriage return can be taken for a formula by
Excel, LibreOffice or Google Sheets (CSV injection). Such text gets a leading single quote, as
Cloud Custodian's csvout does, so it shows as the text it was.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_text(value: str) -> str:
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
