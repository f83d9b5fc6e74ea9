"""Reconciliation: the bill beside the plan's "now" figures, one row per account, region,
charge and key; planned costs are formulas over the price cells, variances over the row."""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell

from planner.plan.model import Plan
from planner.reconcile.bill import DISCOUNT, KEY_CHARGE
from planner.reconcile.compare import CHARGE_NAMES, REASONS, Reconciliation
from planner.report.workbook.assumptions import Prices
from planner.report.workbook.tables import Column, Context, Formula, Table, quoted
from pricing.costs import REQUEST_CLASSES, REQUESTS_PER_UNIT

COLUMNS = [
    Column("account", 14), Column("region", 13), Column("charge", 18), Column("charge name", 30),
    Column("key", 80, "wrap"), Column("unit", 11), Column("billed quantity", 14, "quantity"),
    Column("billed cost", 12, "currency"), Column("planned quantity", 14, "quantity"),
    Column("of which rotation key-months", 12, "quantity"),
    Column("planned cost", 12, "currency"), Column("variance", 12, "currency"),
    Column("variance %", 10, "percent"), Column("explained", 12, "currency"),
    Column("note", 44), Column("planned from", 44),
]
REQUEST_ENTRIES = {entry for entry, _ in REQUEST_CLASSES.values()}
SUMMARY_COL = len(COLUMNS) + 1  # a blank column, then the totals


def reconciliation_table(ctx: Context, rec: Reconciliation) -> Table:
    return Table(ctx, "Reconciliation", COLUMNS, len(rec.lines), streamable=False)


def _planned(line, plan: Plan, prices: Prices):
    """The planned cost as a formula over the price cells, when it gives the plan's figure."""
    book = plan.book
    region = line.region if line.region in book.region_overrides else None

    def price(entry: str) -> tuple[str, Decimal]:
        value = book.value(entry, region)
        return prices.name(entry, region, value), value

    if line.charge == KEY_CHARGE and line.planned_quantity:
        (key_name, key_price), (rot_name, rot_price) = price(KEY_CHARGE), price("rotation_month")
        value = ((line.planned_quantity - line.planned_rotation_quantity) * key_price
                 + line.planned_rotation_quantity * rot_price)
        text = f"=(I{{r}}-J{{r}})*{key_name}+J{{r}}*{rot_name}"
    elif line.charge in REQUEST_ENTRIES and line.planned_quantity:
        name, unit_price = price(line.charge)
        value = line.planned_quantity / REQUESTS_PER_UNIT * unit_price
        text = f"=I{{r}}/{prices.request_unit}*{name}"
    else:
        return line.planned_usd
    # A line that mixes prices (HMAC beside symmetric requests) keeps the plan's figure.
    return Formula(text, line.planned_usd) if value == line.planned_usd else line.planned_usd


def write_reconciliation(table: Table, rec: Reconciliation, plan: Plan, prices: Prices) -> None:
    for line in rec.lines:
        unit = "key-months" if line.charge == KEY_CHARGE else (
            "USD" if line.charge == DISCOUNT else "requests")
        explained = "=0" if line.charge == DISCOUNT else "=MAX(0,MIN(H{r},K{r}))"
        table.add([
            line.account, line.region, line.charge, CHARGE_NAMES.get(line.charge, line.charge),
            line.key_arn or "", unit, line.billed_quantity, line.billed_usd,
            line.planned_quantity, line.planned_rotation_quantity,
            _planned(line, plan, prices), Formula("=H{r}-K{r}", line.variance_usd),
            Formula('=IF(K{r}=0,"",L{r}/K{r})',
                    line.variance_usd / line.planned_usd if line.planned_usd else ""),
            Formula(explained, line.explained_usd), line.note, line.planned_source,
        ])
    table.finish()
    for _, sheet, header, _ in table.parts:  # printed: landscape, one page wide, header kept
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(header)
    _write_totals(table, rec)


def _write_totals(table: Table, rec: Reconciliation) -> None:
    ctx, styles = table.ctx, table.ctx.styles
    name, sheet = table.parts[0][0], table.parts[0][1]
    if not table.ranges(0):
        return

    def total(col: int, only_usage: bool = False) -> str:
        if not only_usage:
            return "SUM(" + ",".join(table.ranges(col)) + ")"
        pairs = zip(table.ranges(col), table.ranges(2), strict=True)
        return "+".join(f'SUMIFS({values},{charges},"<>{DISCOUNT}")' for values, charges in pairs)

    share = rec.explained_share
    # (key, label, formula with {billed} {planned} {explained}, cached value, style, name)
    rows = [
        ("billed", "Billed at list (usage lines)", f"={total(7, True)}", rec.billed_usd,
         "currency", "reconcile_billed"),
        ("discounts", "Discounts (EDP and other)", f"={total(7)}-{total(7, True)}",
         rec.discounts_usd, "currency", None),
        ("planned", "Planned now (this plan)", f"={total(10)}", rec.planned_now_usd,
         "currency", "reconcile_planned"),
        ("variance", "Variance (billed less planned)", "={billed}-{planned}",
         rec.variance_usd, "currency", None),
        ("explained", "Explained by the plan", f"={total(13)}", rec.explained_usd,
         "currency", None),
        ("share", "Share of the bill explained", '=IF({billed}=0,"",{explained}/{billed})',
         share if share is not None else "", "percent", "reconcile_explained_share"),
    ]
    col = SUMMARY_COL
    sheet.set_column(col, col, 34)
    sheet.set_column(col + 1, col + 1, 14)
    sheet.write_string(0, col, f"{rec.format}, {rec.month}", styles.label)
    refs: dict[str, str] = {}
    for offset, (key, label, formula, value, style, defined) in enumerate(rows, start=1):
        cell = refs[key] = xl_rowcol_to_cell(offset, col + 1, True, True)
        text = formula.format(**refs) if "{" in formula else formula
        sheet.write_string(offset, col, label, styles.label)
        sheet.write_formula(offset, col + 1, text, getattr(styles, style),
                            float(value) if isinstance(value, Decimal) else value)
        if defined:
            ctx.book.define_name(f"{ctx.names}{defined}", f"={quoted(name)}!{cell}")
    row = len(rows) + 2
    for reason, usd in rec.unexplained().items():
        sheet.write_string(row, col, f"Not explained: {REASONS[reason]}", styles.wrap)
        sheet.write_number(row, col + 1, float(usd), styles.currency)
        row += 1
    for line_type, amount in sorted(rec.excluded.items()):
        sheet.write_string(row, col, f"Left out: {amount.lines} {line_type} line(s)", styles.wrap)
        sheet.write_number(row, col + 1, float(amount.cost), styles.currency)
        row += 1
    sheet.write_string(row + 1, col, rec.headline(), styles.note)
