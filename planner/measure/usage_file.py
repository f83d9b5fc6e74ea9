"""The usage file a measurement writes (schema kmsplan.usage/1, read by `kmsplan plan --usage`).

Only measured figures go in, each with its `source` and `window`; everything not measured is
left out so the plan falls back to its defaults.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from planner.files import atomic_open
from planner.measure.cloudwatch import BucketRequests
from planner.measure.counts import Measurement

SCHEMA = "kmsplan.usage/1"


def usage_document(
    measurement: Measurement | None, buckets: list[BucketRequests] | None = None
) -> dict:
    document: dict = {"schema": SCHEMA}
    if buckets:
        document["resources"] = {
            bucket.arn: {
                "monthly_get_requests": bucket.monthly_get_requests,
                "monthly_put_requests": bucket.monthly_put_requests,
                "source": bucket.source,
                "window": bucket.window,
            }
            for bucket in buckets
        }
    if measurement is None:
        return document
    window = measurement.window()
    source = measurement.source
    if measurement.files:
        source = f"{source} ({measurement.files} files)"
    document["keys"] = {
        arn: {**figures, "source": source, "window": window}
        for arn, figures in measurement.monthly_keys().items()
    }
    measured: dict = {"source": measurement.source}
    if window is not None:
        measured["window"] = window
        measured["window_days"] = str(measurement.window_days())
        if measurement.window_minutes() is not None:  # under a day: scaled from minutes
            measured["window_minutes"] = measurement.window_minutes()
    measured["events"] = measurement.events
    measured["bad_files"] = len(measurement.bad_files)
    if measurement.bad_times:
        measured["bad_record_times"] = measurement.bad_times
    document["measured"] = measured
    return document


def write_usage(document: dict, path: str | Path) -> None:
    with atomic_open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(document, handle, sort_keys=False, default_flow_style=False)
