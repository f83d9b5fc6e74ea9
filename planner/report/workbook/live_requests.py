"""A resource's KMS requests on the Resources sheet, as formulas over the usage inputs.

usage figures (a type default: a link to `usage_<type>_<name>`; a per-resource figure from
the usage file: an input on the row) x a factor (`table_decrypts_per_connection_month`,
`data_key_requests_per_principal_month`, or the queue's own data key reuse) = KMS-calling
events; requests = events, less `bucket_key_request_reduction` with a bucket key; free
requests = requests x the billing scope's free share (Free tier sheet). A measured count (a
key's requests from CloudTrail or the bill, shared out over its resources) is an input.
Each formula is written only where it gives the plan's own figure; else the figure is a value.
"""

from __future__ import annotations

from decimal import Decimal

from planner.plan.billing import scope_of
from planner.plan.model import ResourcePlan
from planner.plan.requests import DATA_KEY_TYPES, TRAFFIC_FIGURES, monthly_requests
from planner.plan.resources import AT_RISK_STATES
from planner.report.workbook.assumptions import Prices, input_name
from planner.report.workbook.free_tier import FreeTier
from planner.report.workbook.resource_columns import COL, LETTER
from planner.report.workbook.tables import Formula
from pricing.costs import REQUESTS_PER_UNIT

FIGURE_1, FIGURE_2 = LETTER["usage figure 1"], LETTER["usage figure 2"]
FACTOR, EVENTS = LETTER["usage factor"], LETTER["KMS-calling events"]
REQUESTS_NOW, REQUESTS_AFTER = LETTER["KMS requests now"], LETTER["KMS requests after"]
FIRST_COL = COL["billing scope"]  # the cells this module fills start here
FACTORS = {"table": "table_decrypts_per_connection_month"}
FACTORS |= dict.fromkeys(DATA_KEY_TYPES, "data_key_requests_per_principal_month")
REDUCTION = "bucket_key_request_reduction"


class LiveRequests:
    def __init__(self, plan, prices: Prices, free: FreeTier, styles):
        self.plan, self.prices, self.free, self.styles = plan, prices, free, styles
        self.usage = plan.usage
        self.reduction = prices.values.get(REDUCTION)
        self.reduction_name = prices.inputs.get(REDUCTION)

    def _overridden(self, resource, name: str) -> bool:
        for ref in (resource.arn, resource.resource_id):
            entry = self.usage.overrides.get(ref)
            if entry is not None and name in entry[0]:
                return True
        return False

    def _figure(self, p: ResourcePlan, name: str, col: int, styles: dict):
        """A usage figure: an input where the usage file set it for this resource, a link to
        the type default's input, else (no default: 0) a value."""
        value = p.figures.get(name, 0)
        rtype = p.resource.resource_type
        if self._overridden(p.resource, name):
            styles[col] = self.styles.input
            return value, True
        default = self.usage.type_defaults.get(rtype, {}).get(name)
        defined = self.prices.inputs.get(input_name("usage", rtype, name))
        if default is not None and defined is not None and default[0] == value:
            styles[col] = self.styles.count_link
            return Formula(f"={defined}", value), True
        return value, False

    def _factor(self, p: ResourcePlan, col: int, styles: dict):
        rtype = p.resource.resource_type
        name = FACTORS.get(rtype)
        if name is None:
            return 1, True
        if rtype in DATA_KEY_TYPES and p.sources.get("data_keys_per_principal", "").startswith(
                "inventory"):
            return p.figures["data_keys_per_principal"], True  # the queue's own reuse period
        value = self.usage.parameter(name)
        defined = self.prices.inputs.get(name)
        if defined is None or Decimal(value) != self.prices.values.get(name):
            return value, False
        styles[col] = self.styles.count_link
        return Formula(f"={defined}", value), True

    def _requests(self, events, live: bool, base: int, bucket_key, expected: int):
        """Requests from the events cell: =events, or less the bucket-key reduction."""
        if not live or monthly_requests(base, True, bucket_key, self.reduction or 0) != expected:
            return expected
        if bucket_key:
            if self.reduction_name is None:
                return expected
            return Formula(f"=ROUND({EVENTS}{{r}}*(1-{self.reduction_name}),0)", expected)
        return Formula(f"={EVENTS}{{r}}", expected)

    def cells(self, p: ResourcePlan, keys: dict) -> tuple[list, dict, tuple[Decimal, Decimal]]:
        """The row's cells from the billing scope to free tier after, their styles (by
        column), and the monthly request cost now and after that the formulas give."""
        r = p.resource
        scope = scope_of(r.account, self.plan.settings.billing_scope)
        styles: dict = {}
        names = TRAFFIC_FIGURES.get(r.resource_type, ())
        in_cluster = r.resource_type == "db-instance" and (r.details or {}).get("cluster_id")
        figures: list = ["", ""]
        live = bool(names) and len(names) <= 2 and not in_cluster
        base = 0
        if live:
            for i, name in enumerate(names):
                figures[i], linked = self._figure(p, name, FIRST_COL + 1 + i, styles)
                live = live and linked
                base += p.figures.get(name, 0)
            factor, linked = self._factor(p, FIRST_COL + 3, styles)
            live = live and linked
            base *= factor.value if isinstance(factor, Formula) else factor
            terms = "+".join(f"{letter}{{r}}" for letter in (FIGURE_1, FIGURE_2)[:len(names)])
            events = Formula(f"=({terms})*{FACTOR}{{r}}" if len(names) > 1
                             else f"={terms}*{FACTOR}{{r}}", base)
        else:
            factor, events = "", 0
        measured = p.key_now is not None and p.key_now in self.usage.keys
        failing = p.key_now is not None and keys[p.key_now].state in AT_RISK_STATES
        if measured:
            now, after = p.priced_now, p.priced_after
            styles[FIRST_COL + 5] = styles[FIRST_COL + 8] = self.styles.input
        else:
            now = self._requests(events, live and p.key_now is not None and not failing
                                 and p.priced_now == p.requests_now, base, p.bucket_key_now,
                                 p.priced_now)
            after = self._requests(events, live and p.key_after is not None
                                   and p.priced_after == p.requests_after, base,
                                   p.bucket_key_after, p.priced_after)
        free_now, cost_now = self._free("now", scope, p.key_now, p.priced_now, REQUESTS_NOW, keys,
                                        failing)
        free_after, cost_after = self._free("after", scope, p.key_after, p.priced_after,
                                            REQUESTS_AFTER, keys, False)
        cells = [scope, *figures, factor, events, now, free_now, after, free_after]
        return cells, styles, (cost_now, cost_after)

    def _free(self, phase: str, scope: str, key_ref, requests: int, col: str, keys: dict,
              failing: bool):
        """Free requests (a formula over the scope's share) and the cost they leave."""
        free_value = Decimal(0)
        cell = 0
        if key_ref is not None and not failing:
            found = self.free.free(phase, scope, "symmetric", requests)
            if found is not None:
                share_cell, free_value = found
                cell = Formula(f"={col}{{r}}*{share_cell}", free_value)
        key = keys.get(key_ref) if key_ref else None
        region = key.region if key is not None and key.region else None
        price = self.plan.book.value("requests_symmetric", region)
        cost = (Decimal(requests) - free_value) / REQUESTS_PER_UNIT * price
        return cell, cost
