"""The reconciliation as data: the `kmsplan.reconcile/1` JSON document and a CSV table."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from planner.files import atomic_open
from planner.reconcile.compare import CHARGE_NAMES, REASONS, Reconciliation
from planner.report.safety import safe_text

SCHEMA = "kmsplan.reconcile/1"
CSV_NAME = "reconciliation.csv"
LINE_FIELDS = ("account", "region", "charge", "charge_name", "key_arn", "billed_quantity",
               "billed_usd", "planned_quantity", "planned_usd", "variance_usd",
               "planned_source", "note")
TEXT_FIELDS = ("account", "region", "key_arn", "planned_source", "note")


def plain(value: Decimal | None) -> str | None:
    """A Decimal as a JSON string without exponent or trailing zeros ("0.97", "12")."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _line(line) -> dict:
    return {
        "account": line.account, "region": line.region, "charge": line.charge,
        "charge_name": CHARGE_NAMES.get(line.charge, line.charge), "key_arn": line.key_arn,
        "billed_quantity": plain(line.billed_quantity), "billed_usd": plain(line.billed_usd),
        "planned_quantity": plain(line.planned_quantity),
        "planned_usd": plain(line.planned_usd), "variance_usd": plain(line.variance_usd),
        "planned_source": line.planned_source, "note": line.note,
    }


def reconcile_document(rec: Reconciliation) -> dict:
    share = rec.explained_share
    return {
        "schema": SCHEMA,
        "month": rec.month,
        "source": rec.source,
        "format": rec.format,
        "billed_usd": plain(rec.billed_usd),
        "discounts_usd": plain(rec.discounts_usd),
        "billed_net_usd": plain(rec.billed_usd + rec.discounts_usd),
        "planned_now_usd": plain(rec.planned_now_usd),
        "variance_usd": plain(rec.variance_usd),
        "explained_usd": plain(rec.explained_usd),
        "explained_share": None if share is None else plain(share.quantize(Decimal("0.0001"))),
        "unexplained_usd": {reason: plain(usd) for reason, usd in rec.unexplained().items()},
        "unexplained_reasons": REASONS,
        "planned_not_billed_usd": plain(rec.over_usd),
        "free_tier_apart": rec.free_tier_apart,
        "excluded": {line_type: {"lines": amount.lines, "usd": plain(amount.cost)}
                     for line_type, amount in sorted(rec.excluded.items())},
        "headline": rec.headline(),
        "warnings": rec.warnings,
        "lines": [_line(line) for line in rec.lines],
    }


def write_reconcile_csv(rec: Reconciliation, folder: Path) -> Path:
    """reconciliation.csv in `folder`: one row per line, adding up to the document's totals."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CSV_NAME
    with atomic_open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, LINE_FIELDS)
        writer.writeheader()
        for line in rec.lines:
            row = _line(line)
            # Text from the bill is untrusted in a spreadsheet; the amounts are our own.
            writer.writerow({name: safe_text(row[name]) if name in TEXT_FIELDS and row[name]
                             else row[name] for name in LINE_FIELDS})
    return path

