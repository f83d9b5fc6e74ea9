"""Plan: target policy and key strategy applied to an inventory, priced now and after."""

from planner.plan.build import build_plan
from planner.plan.model import Plan, PlanSettings

__all__ = ["Plan", "PlanSettings", "build_plan"]
