"""The scanner: the only code that talks to AWS. Read-only; writes an Inventory."""

from planner.scan.scanner import ScanOutcome, run_scan, scan

__all__ = ["ScanOutcome", "run_scan", "scan"]
