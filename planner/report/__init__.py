"""Reports: workbook, CSV tables, JSON summary. They present a Plan; they compute nothing."""
