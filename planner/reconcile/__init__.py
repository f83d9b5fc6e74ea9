"""Reconcile the plan with the bill: the Cost and Usage Report (legacy, CUR 2.0, FOCUS),
Athena over it, or Cost Explorer, beside the plan's "now" figures."""

from planner.reconcile.run import ReconcileRequest, load_bill, run_reconcile

__all__ = ["ReconcileRequest", "load_bill", "run_reconcile"]
