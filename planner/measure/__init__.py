"""Measured KMS request volumes: CloudTrail (log files or Athena) and S3 request metrics."""

from planner.measure.run import MeasureRequest, MeasureResult, run_measure

__all__ = ["MeasureRequest", "MeasureResult", "run_measure"]
