"""`usage measure` meets AWS answers that are web pages (a proxy's or a load balancer's HTML
error page): one line with the operation and the code the scan would record (HTTP status, no
page), exit 1, no usage file. Through the fault proxy in front of the emulator, so boto3
parses the pages as it would from real AWS."""

from __future__ import annotations

import pytest

from planner.cli import main
from tests.hardening.faultproxy import Answer, fault_proxy
from tests.measure.trail import sample_trail

FORBIDDEN = Answer(403, b"<html><body><h1>403 Forbidden</h1></body></html>", "text/html")
BAD_GATEWAY = Answer(502, b"<html><body><h1>502 Bad Gateway</h1>" + b"<p>upstream</p>" * 200
                     + b"</body></html>", "text/html")


@pytest.fixture
def proxied(fresh_aws):
    with fault_proxy(fresh_aws) as (proxy, endpoint):
        yield proxy, endpoint


def measure(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["usage", "measure", "--quiet", *argv])
    return stop.value.code, capsys.readouterr().err


def test_an_athena_html_page_is_one_line_with_the_http_status(proxied, tmp_path, capsys):
    proxy, endpoint = proxied
    proxy.answer("StartQueryExecution", FORBIDDEN)
    out = tmp_path / "usage.yaml"
    code, err = measure(["--athena", "cloudtrail.logs", "--workgroup", "primary",
                         "--endpoint-url", endpoint, "--out", str(out)], capsys)
    assert code == 1
    assert err == ("kmsplan: error: StartQueryExecution: HTTP403: an HTML or XML error "
                   "page\n")
    assert not out.exists()


def test_an_s3_listing_answered_by_a_gateway_page_is_one_line(aws_client, proxied, tmp_path,
                                                             capsys):
    proxy, endpoint = proxied
    aws_client("s3").create_bucket(Bucket="trail-bucket")
    proxy.answer("GET /trail-bucket", BAD_GATEWAY)
    out = tmp_path / "usage.yaml"
    code, err = measure(["--cloudtrail", "s3://trail-bucket/AWSLogs", "--endpoint-url",
                         endpoint, "--out", str(out)], capsys)
    assert code == 1
    # botocore keeps only the HTTP reason of a 5xx page, as in the scan's errors.
    assert err == "kmsplan: error: ListObjectsV2: HTTP502: Bad Gateway\n"
    assert not out.exists()


def test_a_log_file_answered_by_a_page_is_a_bad_file_named_by_its_status(
        aws_client, proxied, tmp_path, capsys):
    proxy, endpoint = proxied
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="trail-bucket")
    names = sorted(sample_trail())
    for name, body in sample_trail().items():
        s3.put_object(Bucket="trail-bucket", Key=name, Body=body)
    proxy.answer(f"GET /trail-bucket/{names[0]}", FORBIDDEN)
    with pytest.raises(SystemExit) as stop:
        main(["usage", "measure", "--quiet", "--cloudtrail", "s3://trail-bucket/AWSLogs",
              "--endpoint-url", endpoint, "--out", str(tmp_path / "usage.yaml")])
    assert stop.value.code in (0, None)
    err = capsys.readouterr().err
    # S3 parses a well-formed page as XML and finds no code in it: its HTTP status stands in.
    assert err == f"warning: bad log file s3://trail-bucket/{names[0]}: cannot read: HTTP403\n"


def test_the_scan_records_a_codeless_s3_page_by_its_status_too(aws_client, proxied):
    import boto3

    from planner.scan import run_scan
    from tests.scan.conftest import HOME, by_id

    proxy, endpoint = proxied
    aws_client("s3").create_bucket(Bucket="paged")
    proxy.answer("GetBucketEncryption", FORBIDDEN)
    inventory = run_scan(boto3.Session(region_name=HOME), endpoint_url=endpoint,
                         regions=[HOME], services=["s3"], workers=2, max_attempts=1).inventory
    bucket = by_id(inventory)["paged"]
    assert (bucket.encryption, bucket.error) == ("unknown", "HTTP403: no AWS error code")
