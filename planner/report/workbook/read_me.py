"""The "Read me" sheet: what the workbook is, the scan behind it, how to change an assumption,
the styles, the sheets, and a glossary of the encryption states and the actions."""

from __future__ import annotations

from pathlib import PurePath

from planner.plan.actions import ACTIONS
from planner.plan.model import Plan
from planner.report.workbook.tables import print_setup, wrapped_height

TEXT_WIDTH = 100  # column B, in characters


STATES = {
    "none": "not encrypted at rest",
    "sse-s3": "S3 managed keys (SSE-S3, AES256): encrypted, no KMS key, no KMS charge",
    "aws-owned": "a key AWS owns and uses for the service (DynamoDB's default, SSE-SQS): "
                 "encrypted, not in your account, no KMS charge",
    "kms-key-unknown": "encrypted with KMS under a key the scan could not name (meets "
                       "'encrypted', not 'customer-managed'; its requests are not priced)",
    "aws-managed": "an AWS managed KMS key (aws/s3, aws/ebs, ...): free key, requests billed",
    "customer-managed": "a customer managed KMS key: {key_month} a key-month (the price "
                        "book's, on Assumptions; more after rotations), requests billed; you "
                        "control its policy, rotation and deletion",
    "unknown": "the scan could not read it (the error is on its row): never counted as "
               "encrypted or as not encrypted",
}
SHEETS = [
    ("Summary", "the figures a budget review decides on, above the fold; then the monthly "
                "cost by part, warnings, coverage, charts and savings"),
    ("Coverage", "resources by account, region, service and encryption state"),
    ("Resources", "every resource: state now and after, key, action, usage figures, KMS "
                  "requests, monthly and one-time cost"),
    ("Keys", "existing and proposed keys: key-months, rotations, monthly cost"),
    ("Requests", "KMS requests per billing scope, key and class, now and after"),
    ("Free tier", "the free requests per billing scope, and the share each request gets"),
    ("Remediation", "actions by service: count, downtime, controls cleared, one-time cost"),
    ("One-time lines", "every priced one-time line: quantity x unit price"),
    ("Forecast", "36 months, doing nothing and the plan; by year; break-even"),
    ("Assumptions", "every input: prices with their sources, allowances, usage figures, "
                    "labour, settings, the scan"),
]
SCENARIOS = ("Scenarios", "one row per scenario: what it changes, its headline figures, the "
                          "difference against the base, a chart. Each scenario's own sheets "
                          "(Summary to Assumptions) follow under a prefix: 1.base Summary, "
                          "2.service Summary, ...")
RECONCILIATION = ("Reconciliation", "the bill (Cost and Usage Report, Cost Explorer or Athena) "
                                    "beside the plan's monthly cost now, per account, region, "
                                    "charge and key")


def write_read_me(book, styles, sheet, plan: Plan, footer: str, scenarios: bool = False,
                  reconciliation: bool = False) -> None:
    """`scenarios`: a what-if workbook's (the plan is its base); `reconciliation`: the
    workbook has that sheet."""
    s, inv = styles, plan.inventory
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, TEXT_WIDTH)
    sheet.write_string(0, 0, "KMS encryption plan: read me", s.title)
    sheet.set_row(0, 28)
    row = 2
    rows = [
        ("What this is", "A model of what it costs, every month and once, to bring the data "
                         "stores of the scan below to the target encryption, against doing "
                         "nothing. Written by kmsplan; every cost is a formula over the inputs "
                         "on Assumptions, with the figures kmsplan computed cached in the cells."),
        ("Scan", f"{inv.scanned_at}: {len(inv.accounts)} account(s), "
                 f"{len(inv.regions)} region(s) ({', '.join(inv.regions)}), "
                 f"{len(inv.resources):,} resources, {len(inv.keys):,} keys, "
                 f"{len(inv.errors):,} scan errors"),
        ("Plan", f"target {plan.settings.target}, key strategy {plan.settings.key_strategy}, "
                 f"free tier per {plan.settings.billing_scope}; price book "
                 f"{plan.book.name} read on {plan.book.read_on}; usage file "
                 f"{PurePath(plan.usage_path).name if plan.usage_path else 'none (defaults)'}"),
        ("Change an assumption", "Overtype an input cell on Assumptions (a price, the free "
                                 "tier, a usage default, the labour rate or hours, the "
                                 "bucket-key reduction, the days kept), or a per-resource "
                                 "figure on Resources, and recalculate: every figure follows. "
                                 "To re-plan a fresh scan with your figures: kmsplan plan "
                                 "INVENTORY.json --inputs THIS.xlsx."),
    ]
    for label, text in rows:
        sheet.write_string(row, 0, label, s.label)
        _wrapped(sheet, row, text, s.wrap)
        row += 1
    row += 1
    sheet.write_string(row, 0, "Styles", s.label)
    for style, text in ((s.input, "an input: overtype it"),
                        (s.link, "a link to an input elsewhere: change the input, not this"),
                        (s.text, "a calculation or a fact from the scan")):
        sheet.write_string(row, 1, text, style)
        row += 1
    row += 1
    sheets = [SCENARIOS] * scenarios + SHEETS + [RECONCILIATION] * reconciliation
    row = _table(sheet, s, row, "Sheet", sheets)
    key_month = f"${plan.book.value('key_month')}"
    row = _table(sheet, s, row + 1, "Encryption state",
                 [(state, text.format(key_month=key_month)) for state, text in STATES.items()])
    actions = [(name, f"{a.summary} Downtime: {a.downtime}.") for name, a in ACTIONS.items()]
    _table(sheet, s, row + 1, "Action", actions)
    print_setup(sheet, footer)
    sheet.hide_gridlines(2)


def _table(sheet, s, row: int, header: str, entries: list[tuple[str, str]]) -> int:
    sheet.write_row(row, 0, [header, "meaning"], s.header)
    for name, text in entries:
        row += 1
        sheet.write_string(row, 0, name, s.text)
        _wrapped(sheet, row, text, s.wrap)
    return row + 1


def _wrapped(sheet, row: int, text: str, style) -> None:
    """Text wrapped in column B, its row as tall as its lines."""
    sheet.write_string(row, 1, text, style)
    height = wrapped_height(text, TEXT_WIDTH)
    if height:
        sheet.set_row(row, height)
