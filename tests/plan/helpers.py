from decimal import Decimal

from planner.plan import PlanSettings, build_plan
from planner.usage import load_usage
from pricing import load_price_book


def plan_for(inventory, usage_path=None, **settings):
    return build_plan(inventory, PlanSettings(**settings), load_usage(usage_path),
                      load_price_book())


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def write_usage(tmp_path, text: str):
    path = tmp_path / "usage.yaml"
    path.write_text("schema: kmsplan.usage/1\n" + text)
    return path
