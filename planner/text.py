"""Text from files and AWS answers as something every output can hold.

JSON may carry a lone surrogate (the escape \\ud800), which no UTF-8 file, terminal or
spreadsheet can hold: writing it fails. Such characters become U+FFFD where text enters
(the inventory loader) and where it is written (cells), and the reports say so.
"""

from __future__ import annotations

import re

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def writable(value: str) -> str:
    """`value` with every lone surrogate replaced by U+FFFD (ASCII text is returned as is)."""
    return value if value.isascii() else LONE_SURROGATE.sub(REPLACEMENT, value)
