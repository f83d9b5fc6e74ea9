"""The Resources sheet's columns, and each column's index and letter by header: the request
formulas on Resources, Requests and Summary refer to them by name. Key columns are wide
enough for every key ARN of the aws partition (80 characters at the most: a 14-character
region and a 36-character key id) and wrap the longer ones (GovCloud, China), as the resource
id wraps a long bucket name: a printout cuts none."""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from planner.report.workbook.tables import Column

RESOURCE_COLUMNS = [
    Column("account", 14), Column("region", 13), Column("service", 9),
    Column("resource type", 14), Column("resource id", 48, "wrap"), Column("name", 28),
    Column("tags", 28), Column("encryption", 16), Column("key now", 80, "wrap"),
    Column("target", 16),
    Column("action", 26), Column("state after", 16), Column("key after", 80, "wrap"),
    Column("bucket key after", 9), Column("at risk", 8), Column("downtime", 30, "wrap"),
    Column("controls cleared", 24), Column("billing scope", 14),
    Column("usage figure 1", 12, "integer"), Column("usage figure 2", 12, "integer"),
    Column("usage factor", 10, "integer"), Column("KMS-calling events", 12, "integer"),
    Column("KMS requests now", 12, "integer"),
    Column("free tier now", 12, "quantity"), Column("monthly now", 12, "currency"),
    Column("KMS requests after", 12, "integer"), Column("free tier after", 12, "quantity"),
    Column("monthly after", 12, "currency"), Column("one-time", 12, "currency"),
    Column("quantities", 30), Column("sources", 50), Column("error", 30),
]
COL = {column.header: index for index, column in enumerate(RESOURCE_COLUMNS)}
LETTER = {header: xl_col_to_name(index) for header, index in COL.items()}
