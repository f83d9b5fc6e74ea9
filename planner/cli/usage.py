"""Measured usage: count KMS requests in CloudTrail (and S3 requests in CloudWatch) into a
usage file for `kmsplan plan --usage`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from planner.cli.common import aws_failure, err, fail, number, out, prepare_outputs
from planner.cli.common import endpoint_url as endpoint_url_option
from planner.cli.regions import check_region
from planner.files import is_stdout

if TYPE_CHECKING:
    from planner.measure import MeasureResult

# planner.measure.athena.DEFAULT_TIMEOUT, not imported here: --help stays quick (a test keeps
# the two equal).
ATHENA_TIMEOUT = 1800

app = typer.Typer(help=__doc__, no_args_is_help=True, rich_markup_mode=None)


@app.command("measure")
def measure(
    out_path: Annotated[
        Path, typer.Option("--out", help="The usage file to write (YAML).", show_default=False)
    ],
    cloudtrail: Annotated[
        str | None,
        typer.Option(help="A folder of CloudTrail .json.gz log files, or s3://bucket/prefix."),
    ] = None,
    athena: Annotated[
        str | None, typer.Option(help="Count with one Athena query over DATABASE.TABLE instead.")
    ] = None,
    workgroup: Annotated[str | None, typer.Option(help="The Athena workgroup (with --athena).")]
    = None,
    since: Annotated[
        str | None, typer.Option(help="With --athena: events from this day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="With --athena: events before this day (YYYY-MM-DD).")
    ] = None,
    cloudwatch: Annotated[
        bool, typer.Option("--cloudwatch", help="Add S3 GET/PUT request metrics per bucket.")
    ] = False,
    cur: Annotated[
        str | None, typer.Option(help="Billed requests per key from a Cost and Usage Report "
                                      "(file, folder or s3://bucket/prefix) instead.")
    ] = None,
    month: Annotated[str | None, typer.Option(help="With --cur: the month, YYYY-MM.")] = None,
    inventory: Annotated[
        Path | None,
        typer.Option(help="An inventory JSON from `kmsplan scan`: key specs, ids and aliases."),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes that count a local folder's files.")
    ] = 1,
    profile: Annotated[str | None, typer.Option(help="The AWS profile to use.")] = None,
    region: Annotated[str | None, typer.Option(
        metavar="REGION", help="The region for S3 and Athena.")] = None,
    endpoint_url: Annotated[
        str | None, typer.Option(callback=endpoint_url_option,
                                 help="Send every AWS call to this endpoint (an emulator).")
    ] = None,
    json_path: Annotated[Path | None, typer.Option(
        "--json", metavar="[PATH|-]",
        help="Write what was counted as JSON; '-' or no value: stdout.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress.")] = False,
    timeout: Annotated[float, typer.Option(
        help="With --athena: seconds to wait for the query before cancelling it.")
    ] = ATHENA_TIMEOUT,
) -> None:
    """Count a month of KMS requests per key from CloudTrail (a local folder, S3, or one
    Athena query), optionally S3 requests per bucket from CloudWatch, into a usage file."""
    import boto3

    from planner.cli.progress import files_read, status
    from planner.files import atomic_open
    from planner.measure import MeasureRequest, run_measure
    from planner.measure.cloudtrail import fast_path_built
    from planner.scan.common import CALL_ERRORS

    if region is not None:
        check_region(region)
    _check_sources(cloudtrail, athena, cur, cloudwatch, since or until, month)
    local_trail = cloudtrail if cloudtrail and not cloudtrail.startswith("s3://") else None
    local_cur = cur if cur and not cur.startswith("s3://") else None
    prepare_outputs({"--out": out_path, "--json": json_path},
                    inputs=(inventory, local_trail, local_cur))
    request = MeasureRequest(
        out=out_path, cloudtrail=cloudtrail, athena_table=athena, workgroup=workgroup,
        since=since, until=until, cloudwatch=cloudwatch, inventory=inventory, workers=workers,
        timeout=timeout,
    )
    try:
        if cur:
            _measure_cur(cur, month, out_path, profile, region, endpoint_url, json_path)
            return
        session = boto3.Session(profile_name=profile, region_name=region or "us-east-1")

        def client(service: str, region_name: str | None = None):
            return session.client(service, region_name=region_name, endpoint_url=endpoint_url)

        if cloudtrail:  # log files: how many and how much so far, and how fast
            with files_read("Counting KMS requests:", quiet) as report:
                result = run_measure(request, client, report)
        else:
            with status("Counting KMS requests", quiet):
                result = run_measure(request, client)
    except CALL_ERRORS as exc:
        fail(aws_failure(exc), 1)
    _warn(result)
    if result.measurement.files and not fast_path_built():
        _say(err, "note: the compiled fast path is not built (no C compiler when kms-planner "
                  "was installed), so every file was parsed in Python, about 3.5 times slower; "
                  "install gcc and reinstall to build it. The counts are the same.")
    if json_path:
        with atomic_open(json_path, "w", encoding="utf-8") as handle:
            json.dump(_summary(result, out_path), handle, indent=2)
            handle.write("\n")
        if is_stdout(json_path):
            return
    _print_text(result, out_path)


def _summary(result: MeasureResult, out_path: Path) -> dict:
    measurement = result.measurement
    keys = measurement.monthly_keys()
    return {
        "out": str(out_path),
        "source": measurement.source,
        "files": measurement.files,
        "events": measurement.events,
        "not_billed": measurement.not_billed,
        "unattributed": measurement.unattributed,
        "caller_copies": measurement.caller_copies,
        "bad_files": len(measurement.bad_files),
        "bad_file_list": [{"file": b.name, "reason": b.reason} for b in measurement.bad_files],
        "bad_record_times": measurement.bad_times,
        "window": measurement.window(),
        "window_days": measurement.window_days(),
        "window_minutes": measurement.window_minutes(),
        "declined_files": measurement.declined_files,
        "keys": {arn: figures["requests"] for arn, figures in keys.items()},
        "buckets": {
            b.arn: {"monthly_get_requests": b.monthly_get_requests,
                    "monthly_put_requests": b.monthly_put_requests}
            for b in result.buckets
        },
        "buckets_not_measured": [{"bucket": b.bucket, "reason": b.reason}
                                 for b in result.buckets_not_measured],
    }


def _say(console, text: str) -> None:
    console.print(text, markup=False, soft_wrap=True, highlight=False)


# More declined files than this and stderr says so (a few odd files are normal).
DECLINED_NOTE = 3


def _warn(result: MeasureResult) -> None:
    for bad in result.measurement.bad_files:
        _say(err, f"warning: bad log file {bad.name}: {bad.reason}")
    declined = result.measurement.declined_files
    if declined > DECLINED_NOTE:
        _say(err, f"note: the fast path declined {number(declined)} of "
                  f"{number(result.measurement.files)} files (unusual records: escapes, odd "
                  "types); they were counted on the slower reference path, with the same rules")
    if result.measurement.bad_times:
        _say(err, f"warning: {result.measurement.bad_times} record time(s) were not times or "
                  "lay days away from their file's date: counted, left out of the window")
    for bucket in result.buckets_not_measured:
        _say(err, f"warning: bucket {bucket.bucket} not measured: {bucket.reason}")


def _print_text(result: MeasureResult, out_path: Path) -> None:
    m = result.measurement
    minutes = m.window_minutes()
    length = f"{minutes} minutes" if minutes is not None else f"{m.window_days()} days"
    window = f"{m.window()} ({length})" if m.window() else "none (nothing read)"
    _say(out, f"{m.source}: {number(m.files)} files, {number(m.events)} KMS events, "
              f"{len(m.bad_files)} bad files; window {window}")
    for arn, figures in m.monthly_keys().items():
        classes = ", ".join(f"{name} {number(n)}" for name, n in figures["requests"].items() if n)
        _say(out, f"  {arn}: {classes or 'no billed requests'} a month")
    for bucket in result.buckets:
        _say(out, f"  {bucket.arn}: GET {number(bucket.monthly_get_requests)}, "
                  f"PUT {number(bucket.monthly_put_requests)} a month")
    _say(out, f"Wrote {out_path}")


def _check_sources(cloudtrail, athena, cur, cloudwatch: bool, window, month) -> None:
    """Options of one source given with another are bad input, not silently dropped."""
    from planner.errors import InputError

    if cur and (cloudtrail or athena):
        raise InputError("usage measure: give one of --cloudtrail PATH, --athena "
                         "DATABASE.TABLE or --cur PATH")
    if cur and cloudwatch:
        raise InputError("usage measure: --cloudwatch does not apply to --cur")
    if cur and window:
        raise InputError("usage measure: --since/--until apply to --athena only")
    if month and not cur:
        raise InputError("usage measure: --month applies to --cur only")


def _measure_cur(cur: str, month: str | None, out_path: Path, profile: str | None,
                 region: str | None, endpoint_url: str | None, json_path: Path | None) -> None:
    """`usage measure --cur`: per-key billed request counts into a usage file."""
    import boto3

    from planner.files import atomic_open
    from planner.measure.usage_file import write_usage
    from planner.reconcile.calibrate import calibrate, calibration_document
    from planner.reconcile.reader import read_bill
    from planner.reconcile.run import ReconcileRequest, check_request
    from pricing import load_price_book

    check_request(ReconcileRequest(cur=cur, month=month))
    s3 = None
    if cur.startswith("s3://"):
        session = boto3.Session(profile_name=profile, region_name=region or "us-east-1")
        s3 = session.client("s3", endpoint_url=endpoint_url)
    bill = read_bill(cur, load_price_book(), s3)
    calibration = calibrate(bill, month)
    document = calibration_document(calibration, bill)
    write_usage(document, out_path)
    if json_path:
        with atomic_open(json_path, "w", encoding="utf-8") as handle:
            json.dump({"out": str(out_path), **document["measured"], "keys": document["keys"]},
                      handle, indent=2)
            handle.write("\n")
        if is_stdout(json_path):
            return
    _say(out, f"{bill.source}, {calibration.month}: {len(calibration.keys)} keys")
    for arn, counts in document["keys"].items():
        classes = ", ".join(f"{name} {number(n)}" for name, n in counts["requests"].items() if n)
        _say(out, f"  {arn}: {classes or 'no billed requests'}")
    if calibration.requests_without_key:
        _say(err, f"warning: {number(calibration.requests_without_key)} billed requests name "
                  "no key (the export has no resource ids?): not in the usage file")
    _say(out, f"Wrote {out_path}")
