"""Free tier: the allowance applied once per billing scope and phase, as formulas.

Each row sums the scope's eligible requests on Requests (SUMIFS by phase, scope and class),
applies `free_tier_requests` (MIN) and gives the share of each eligible request that is free.
Requests and Resources multiply their requests by that share, so editing the allowance or a
request count moves every figure. The share is proportional: a row's free requests may be a
fraction, where the CLI and the CSV give whole requests by largest remainder; the scope's
total free requests are the same.
"""

from __future__ import annotations

from decimal import Decimal

from planner.plan.model import ZERO, Plan
from planner.report.workbook.assumptions import Prices
from planner.report.workbook.tables import Column, Context, Formula, Table, cell_ref
from pricing.costs import free_tier_classes

COLUMNS = [
    Column("phase", 8), Column("billing scope", 16),
    Column("eligible requests", 16, "integer"), Column("allowance", 14, "link"),
    Column("free requests", 16, "integer"), Column("free share", 12, "percent"),
]
SHARE_COL = 5
# Requests columns the eligible sum reads: phase, billing scope, request class, requests.
PHASE, SCOPE, CLASS, REQUESTS = 0, 1, 5, 6


def scopes(plan: Plan) -> list[tuple[str, str]]:
    """(phase, billing scope) of every request row: now first, then after."""
    pairs = {(row.phase, row.scope) for row in plan.requests}
    return sorted(pairs, key=lambda pair: (pair[0] != "now", pair[1]))


def free_tier_table(ctx: Context, plan: Plan) -> Table:
    return Table(ctx, "Free tier", COLUMNS, len(scopes(plan)))


class FreeTier:
    """Where each (phase, scope)'s free share is, and its value, before the table is written."""

    def __init__(self, table: Table, plan: Plan):
        self.table, self.plan = table, plan
        self.eligible_classes = free_tier_classes(plan.book)
        eligible: dict[tuple[str, str], int] = {}
        applied: dict[tuple[str, str], int] = {}
        for row in plan.requests:
            key = (row.phase, row.scope)
            if row.request_class in self.eligible_classes:
                eligible[key] = eligible.get(key, 0) + row.requests
            applied[key] = applied.get(key, 0) + row.free
        self.rows = scopes(plan)
        self.eligible, self.applied = eligible, applied
        self.cells: dict[tuple[str, str], str] = {}
        self.shares: dict[tuple[str, str], Decimal] = {}
        for index, key in enumerate(self.rows):
            self.cells[key] = cell_ref(*table.position(index), SHARE_COL)
            total = eligible.get(key, 0)
            self.shares[key] = Decimal(applied.get(key, 0)) / total if total else ZERO

    def free(self, phase: str, scope: str, request_class: str, requests: int | Decimal):
        """Free requests of a count in (phase, scope): a formula over the share cell (the
        caller writes `{requests}` where the count's cell goes), or None: not eligible."""
        key = (phase, scope)
        if request_class not in self.eligible_classes or key not in self.cells:
            return None
        return self.cells[key], Decimal(requests) * self.shares[key]


def write_free_tier(free: FreeTier, prices: Prices, requests: Table) -> None:
    refs = list(zip(*(requests.planned_ranges(col) for col in (REQUESTS, PHASE, SCOPE, CLASS)),
                    strict=True))
    allowance = prices.inputs["free_tier_requests"]
    for key in free.rows:
        phase, scope = key
        terms = [f'SUMIFS({g},{a},A{{r}},{b},B{{r}},{f},"{c}")'
                 for g, a, b, f in refs for c in free.eligible_classes]
        eligible = free.eligible.get(key, 0)
        applied = free.applied.get(key, 0)
        free.table.add([
            phase, scope, Formula("=" + ("+".join(terms) or "0"), eligible),
            Formula(f"={allowance}", prices.values["free_tier_requests"]),
            Formula("=MIN(C{r},D{r})", applied),
            Formula("=IF(C{r}=0,0,E{r}/C{r})", free.shares[key]),
        ])
    free.table.finish()
