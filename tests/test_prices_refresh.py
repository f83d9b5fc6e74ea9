"""`kmsplan prices refresh` against botocore's Stubber (the local emulator has no Price List API).

GetProducts responses are shaped like the real ones: PriceList is a list of JSON strings, each a
product with attributes (usagetype, regionCode) and OnDemand terms whose price dimension gives
the USD price per unit: per key-month for "Encryption Key"/"Keys", per request for "Requests".
"""

import datetime as dt
import json
import zlib
from decimal import Decimal as D

import boto3
import pytest
import yaml
from botocore.stub import Stubber

from planner.cli import main
from planner.cli import prices as prices_cmd
from pricing import load_price_book
from pricing.pricelist import PriceListError, UnlistedRegionError
from pricing.refresh import refresh_price_book
from tests.test_pricing_book import bundled_data

TODAY = dt.date(2026, 11, 28)
KEY = ("Encryption Key", "Keys")
REQ = ("API Request", "Requests")


def product(usage_type, region, kind, usd, effective="2024-04-01T00:00:00Z",
            service="awskms"):
    family, unit = kind
    sku = f"SKU{zlib.crc32(f'{usage_type}{region}'.encode()):010d}"
    attributes = {"servicecode": service, "usagetype": usage_type, "operation": "",
                  "servicename": service}
    if region:
        attributes |= {"regionCode": region, "locationType": "AWS Region"}
    else:
        attributes |= {"location": "Any"}
    term = f"{sku}.JRTCKXETXF"
    return json.dumps({
        "product": {"productFamily": family, "attributes": attributes, "sku": sku},
        "serviceCode": service,
        "terms": {"OnDemand": {term: {
            "priceDimensions": {f"{term}.6YS6EN2CT7": {
                "unit": unit, "beginRange": "0", "endRange": "Inf", "appliesTo": [],
                "rateCode": f"{term}.6YS6EN2CT7", "description": f"{usage_type}",
                "pricePerUnit": {"USD": usd},
            }},
            "sku": sku, "effectiveDate": effective, "offerTermCode": "JRTCKXETXF",
            "termAttributes": {},
        }}},
        "version": "20240401000000",
        "publicationDate": "2024-04-01T00:00:00Z",
    })


# us-east-1 over two pages, with both prefixes (USE1- and us-east-1-), the $12 RSA
# GenerateDataKeyPair SKU (which contains "-KMS-Requests") and the global free-tier SKU.
US_EAST_1 = [
    [
        product("USE1-KMS-Keys", "us-east-1", KEY, "1.0000000000"),
        product("us-east-1-KMS-Requests", "us-east-1", REQ, "0.0000030000"),
        product("us-east-1-KMS-Requests-GenerateDatakeyPair-RSA", "us-east-1", REQ,
                "0.0012000000"),
        product("Global-KMS-Requests", None, REQ, "0.0000000000"),
    ],
    [
        product("USE1-KMS-Requests", "us-east-1", REQ, "0.0000030000"),
        product("us-east-1-KMS-Requests-Asymmetric", "us-east-1", REQ, "0.0000150000"),
        product("us-east-1-KMS-Requests-Asymmetric-RSA_2048", "us-east-1", REQ, "0.0000030000"),
        product("us-east-1-KMS-Requests-GenerateDatakeyPair-ECC", "us-east-1", REQ,
                "0.0000100000"),
    ],
]
# eu-west-1: asymmetric requests cost more, and no RSA GenerateDataKeyPair SKU is listed.
EU_WEST_1 = [[
    product("EUW1-KMS-Keys", "eu-west-1", KEY, "1.0000000000"),
    product("EUW1-KMS-Requests", "eu-west-1", REQ, "0.0000030000"),
    product("EUW1-KMS-Requests-Asymmetric", "eu-west-1", REQ, "0.0000180000"),
    product("EUW1-KMS-Requests-Asymmetric-RSA_2048", "eu-west-1", REQ, "0.0000030000"),
    product("EUW1-KMS-Requests-GenerateDatakeyPair-ECC", "eu-west-1", REQ, "0.0000100000"),
]]


# Storage and S3 (AmazonEC2, AmazonRDS, AmazonS3): one GetProducts per entry and region,
# filtered on the usage type (CONTAINS). No prefix in us-east-1, the region's elsewhere.
# These test prices equal the bundled book's; test_storage_prices_per_region changes them.
STORAGE = {  # entry -> (service, usage type, unit, price per Price List unit)
    "ebs_snapshot_gb_month": ("AmazonEC2", "EBS:SnapshotUsage", "GB-Mo", "0.05"),
    "ebs_volume_gb_month": ("AmazonEC2", "EBS:VolumeUsage.gp3", "GB-Mo", "0.08"),
    "rds_backup_gb_month": ("AmazonRDS", "RDS:ChargedBackupUsage", "GB-Mo", "0.095"),
    "rds_storage_gb_month": ("AmazonRDS", "RDS:GP2-Storage", "GB-Mo", "0.115"),
    "aurora_storage_gb_month": ("AmazonRDS", "Aurora:StorageUsage", "GB-Mo", "0.10"),
    "s3_put_1k": ("AmazonS3", "Requests-Tier1", "Requests", "0.000005"),
    # The Cost and Usage Report's usage types; the Price List unit is not confirmed.
    "s3_batch_job": ("AmazonS3", "BatchOperations-Jobs", "Jobs", "0.25"),
    "s3_batch_million_objects": ("AmazonS3", "BatchOperations-Objects", "Objects", "0.000001"),
}
PREFIX = {"us-east-1": "", "eu-west-1": "EUW1-"}


def storage_pages(region, prices=None):
    """entry -> the products GetProducts answers for it in `region`."""
    pages = {}
    for entry, (service, usage_type, unit, usd) in STORAGE.items():
        usd = (prices or {}).get(entry, usd)
        listed = PREFIX.get(region, "X-") + usage_type
        pages[entry] = [product(listed, region, ("Storage", unit), usd, service=service),
                        # CONTAINS also finds longer usage types: not an exact match, skipped.
                        product(listed + ".outposts", region, ("Storage", unit), "9.99",
                                service=service)]
    return pages


def params(region, token=None, service="awskms", usage_type=None):
    filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}]
    if usage_type:
        filters.append({"Type": "CONTAINS", "Field": "usagetype", "Value": usage_type})
    expected = {"ServiceCode": service, "FormatVersion": "aws_v1", "Filters": filters}
    return expected | ({"NextToken": token} if token else {})


def stub(pages_by_region, storage=None):
    """KMS pages of every region, then each region's storage answers (`storage`: region ->
    entry -> products; default: storage_pages of the region)."""
    client = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stubber = Stubber(client)
    for region, pages in pages_by_region.items():
        for number, page in enumerate(pages):
            response = {"FormatVersion": "aws_v1", "PriceList": page}
            if number + 1 < len(pages):
                response["NextToken"] = f"{region}-page-{number + 2}"
            token = f"{region}-page-{number + 1}" if number else None
            stubber.add_response("get_products", response, params(region, token))
    for region, pages in pages_by_region.items():
        if not any(pages):
            continue  # a region the Price List does not know stops before its storage
        answers = (storage or {}).get(region) or storage_pages(region)
        for entry, (service, usage_type, _, _) in STORAGE.items():
            stubber.add_response("get_products", {"FormatVersion": "aws_v1",
                                                  "PriceList": answers.get(entry, [])},
                                 params(region, service=service, usage_type=usage_type))
    stubber.activate()
    return client, stubber


def refreshed_book(tmp_path, pages_by_region, base=None, storage=None):
    client, stubber = stub(pages_by_region, storage)
    refreshed = refresh_price_book(client, list(pages_by_region), TODAY, base)
    stubber.assert_no_pending_responses()  # every page of every region was read
    path = tmp_path / "refreshed.yaml"
    path.write_text(refreshed.text)
    return load_price_book(path), refreshed


def test_prices_by_exact_suffix_per_10k(tmp_path):
    book, _ = refreshed_book(tmp_path, {"us-east-1": US_EAST_1, "eu-west-1": EU_WEST_1})
    # Per request x 10,000: 0.000003 -> 0.03, 0.000015 -> 0.15, 0.00001 -> 0.10, 0.0012 -> 12.
    assert {name: str(book.value(name)) for name in (
        "key_month", "requests_symmetric", "requests_asymmetric", "requests_asymmetric_rsa2048",
        "requests_gdkp_ecc", "requests_gdkp_rsa")} == {
        "key_month": "1.00", "requests_symmetric": "0.03", "requests_asymmetric": "0.15",
        "requests_asymmetric_rsa2048": "0.03", "requests_gdkp_ecc": "0.10",
        "requests_gdkp_rsa": "12.00"}


def test_provenance_of_refreshed_entries(tmp_path):
    book, _ = refreshed_book(tmp_path, {"us-east-1": US_EAST_1, "eu-west-1": EU_WEST_1})
    assert book.read_on == "2026-11-28"
    symmetric = book.entry("requests_symmetric")
    assert symmetric.source.startswith("AWS Price List API")
    assert "regionCode us-east-1" in symmetric.source
    assert (symmetric.read_on, symmetric.effective_from) == ("2026-11-28", "2024-04-01")


def test_a_region_whose_price_differs_gets_an_override(tmp_path):
    book, refreshed = refreshed_book(tmp_path, {"us-east-1": US_EAST_1, "eu-west-1": EU_WEST_1})
    assert book.value("requests_asymmetric", "eu-west-1") == D("0.18")  # 0.000018 x 10,000
    assert "usagetype EUW1-KMS-Requests-Asymmetric" in book.entry(
        "requests_asymmetric", "eu-west-1").source
    assert book.value("requests_asymmetric", "us-east-1") == D("0.15")
    # Only the differing KMS price is an override (storage prices are, each: they were read
    # for one region); eu-west-1 lists no RSA GDKP, and says so.
    eu = refreshed.data["regions"]["eu-west-1"]
    assert set(eu) - {"requests_asymmetric"} == set(STORAGE)
    assert {k: v for k, v in eu.items() if k not in STORAGE} == {"requests_asymmetric": {
        "price": "0.18", "read_on": "2026-11-28",
        "source": book.entry("requests_asymmetric", "eu-west-1").source}}
    assert refreshed.notes == [
        "eu-west-1: requests_gdkp_rsa is not in the Price List; kept the base price"]


def test_entries_the_api_does_not_carry_are_kept(tmp_path):
    _, refreshed = refreshed_book(tmp_path, {"us-east-1": US_EAST_1})
    base = bundled_data()
    for name in ("rotation_month", "rotations_billed_max", "hours_per_month", "requests_hmac",
                 "free_tier_requests", "s3_dsse_gb", "s3_standard_gb_month"):
        assert refreshed.data["entries"][name] == base["entries"][name], name
    assert refreshed.data["regions"] == base["regions"]  # same prices everywhere: no overrides


def test_a_changed_price_pins_the_regions_not_refreshed(tmp_path):
    pages = [[product("USE1-KMS-Keys", "us-east-1", KEY, "1.0500000000"), *US_EAST_1[0][1:]],
             US_EAST_1[1]]
    book, _ = refreshed_book(tmp_path, {"us-east-1": pages})
    assert book.value("key_month") == book.value("key_month", "us-east-1") == D("1.05")
    pinned = book.entry("key_month", "ap-south-1")  # not refreshed: keeps the base $1.00
    assert (pinned.value, pinned.source) == (D("1.00"), "https://aws.amazon.com/kms/pricing/")


def test_a_users_base_book_is_the_starting_point(tmp_path):
    data = bundled_data()
    data["entries"]["s3_dsse_gb"]["price"] = "0.004"
    base = tmp_path / "mine.yaml"
    base.write_text(yaml.safe_dump(data))
    book, _ = refreshed_book(tmp_path, {"us-east-1": US_EAST_1}, base=base)
    assert book.value("s3_dsse_gb") == D("0.004")
    assert book.value("requests_gdkp_rsa") == D("12.00")


def test_a_region_the_price_list_does_not_know(tmp_path):
    with pytest.raises(UnlistedRegionError, match="no KMS prices for 'us-east-9'"):
        refreshed_book(tmp_path, {"us-east-9": [[]]})


def test_different_prices_for_one_entry_are_refused(tmp_path):
    # A substring match would put the $12 SKU here; two exact matches that disagree are an error.
    pages = [[product("USE1-KMS-Requests", "us-east-1", REQ, "0.0000030000"),
              product("us-east-1-KMS-Requests", "us-east-1", REQ, "0.0000040000")]]
    with pytest.raises(PriceListError, match="requests_symmetric: different prices 0.03, 0.04"):
        refreshed_book(tmp_path, {"us-east-1": pages})


def run(capsys, monkeypatch, pages_by_region, *argv):
    client, _ = stub(pages_by_region)
    monkeypatch.setattr(prices_cmd, "pricing_client", lambda profile, endpoint_url: client)
    with pytest.raises(SystemExit) as done:
        main(["prices", "refresh", *argv])
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


def test_the_command_writes_a_loadable_book(capsys, monkeypatch, tmp_path):
    target = tmp_path / "kms-prices.yaml"
    status, out, err = run(capsys, monkeypatch, {"us-east-1": US_EAST_1, "eu-west-1": EU_WEST_1},
                           "--regions", "us-east-1, eu-west-1", "--out", str(target))
    assert status == 0
    assert str(target) in out
    assert "note: eu-west-1: requests_gdkp_rsa" in err
    assert [p.name for p in tmp_path.iterdir()] == ["kms-prices.yaml"]  # no temporary left
    text = target.read_text()
    assert text.startswith("# Written by `kmsplan prices refresh` on ")
    assert load_price_book(target).value("requests_asymmetric", "eu-west-1") == D("0.18")


@pytest.mark.parametrize(
    ("regions", "status", "message"),
    [
        ("us-east-1,mars", 2, "--regions: 'mars' is not an AWS region botocore knows"),
        (" , ", 2, "--regions: give region names separated by commas"),
        # A region botocore knows, but the Price List answers nothing for it.
        ("ap-southeast-7", 2, "--regions: the Price List has no KMS prices for 'ap-southeast-7'"),
    ],
)
def test_bad_regions(capsys, monkeypatch, tmp_path, regions, status, message):
    pages = {"ap-southeast-7": [[]]} if "7" in regions else {}
    target = tmp_path / "out.yaml"
    code, out, err = run(capsys, monkeypatch, pages, "--regions", regions, "--out", str(target))
    assert (code, out) == (status, "")
    assert err.startswith("kmsplan: error: " + message) and err.count("\n") == 1
    assert not target.exists()


def test_access_denied_is_one_line_and_leaves_the_old_file(capsys, monkeypatch, tmp_path):
    client = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stubber = Stubber(client)
    stubber.add_client_error("get_products", service_error_code="AccessDeniedException",
                             service_message="not authorized to perform pricing:GetProducts",
                             http_status_code=400)
    stubber.activate()
    monkeypatch.setattr(prices_cmd, "pricing_client", lambda profile, endpoint_url: client)
    target = tmp_path / "book.yaml"
    target.write_text("old")
    with pytest.raises(SystemExit) as done:
        main(["prices", "refresh", "--regions", "us-east-1", "--out", str(target)])
    err = capsys.readouterr().err
    assert done.value.code == 1
    assert err == ("kmsplan: error: Price List GetProducts: AccessDeniedException: "
                   "not authorized to perform pricing:GetProducts\n")
    assert target.read_text() == "old"


def test_the_client_is_in_us_east_1_and_honours_endpoints(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    from_environment = prices_cmd.pricing_client(None, None)
    assert from_environment.meta.region_name == "us-east-1"
    assert from_environment.meta.endpoint_url == "http://127.0.0.1:4566"
    explicit = prices_cmd.pricing_client(None, "http://127.0.0.1:5000")
    assert explicit.meta.endpoint_url == "http://127.0.0.1:5000"


def test_storage_prices_per_region(tmp_path):
    eu = storage_pages("eu-west-1", {"ebs_snapshot_gb_month": "0.055",
                                     "s3_put_1k": "0.0000054"})
    eu.pop("aurora_storage_gb_month")  # not listed there
    book, refreshed = refreshed_book(tmp_path, {"us-east-1": US_EAST_1, "eu-west-1": EU_WEST_1},
                                     storage={"eu-west-1": eu})
    snapshot = book.entry("ebs_snapshot_gb_month", "eu-west-1")
    assert snapshot.value == D("0.055")
    assert "ServiceCode AmazonEC2, regionCode eu-west-1, usagetype EUW1-EBS:SnapshotUsage" \
        in snapshot.source
    assert book.value("s3_put_1k", "eu-west-1") == D("0.0054")  # 0.0000054 a request x 1,000
    assert book.value("ebs_snapshot_gb_month", "us-east-1") == D("0.05")
    # Read for each region now: not assumed in either. Aurora is not listed in eu-west-1: it
    # keeps the us-east-1 price there, still assumed, and a note says so.
    assert not snapshot.assumed_in("eu-west-1")
    assert book.entry("ebs_snapshot_gb_month").read_in == "us-east-1"
    assert book.entry("aurora_storage_gb_month", "eu-west-1").assumed_in("eu-west-1")
    assert ("eu-west-1: aurora_storage_gb_month is not in the Price List; kept the base price"
            in refreshed.notes)
    # Regions not refreshed keep assumed prices assumed (no pinned override).
    assert book.entry("ebs_snapshot_gb_month", "ap-south-1").assumed_in("ap-south-1")


def test_a_storage_price_in_another_unit_is_refused(tmp_path):
    us = storage_pages("us-east-1")
    us["ebs_snapshot_gb_month"] = [product("EBS:SnapshotUsage", "us-east-1",
                                           ("Storage Snapshot", "GB-Hours"), "0.0001",
                                           service="AmazonEC2")]
    with pytest.raises(PriceListError, match="EBS:SnapshotUsage: unit 'GB-Hours'"):
        refreshed_book(tmp_path, {"us-east-1": US_EAST_1}, storage={"us-east-1": us})


def test_a_server_error_page_is_one_line(capsys, monkeypatch, tmp_path):
    # A proxy or emulator answering 500 with an HTML page: botocore puts the whole page in
    # the error's Message. Found by QA against the local emulator (it has no Price List).
    client = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stubber = Stubber(client)
    stubber.add_client_error("get_products", service_error_code="500",
                             service_message="<!doctype html>\n<title>500 Internal Server "
                                             "Error</title>\r\n<h1>Internal Server Error</h1>\n",
                             http_status_code=500)
    stubber.activate()
    monkeypatch.setattr(prices_cmd, "pricing_client", lambda profile, endpoint_url: client)
    with pytest.raises(SystemExit) as done:
        main(["prices", "refresh", "--regions", "us-east-1", "--out", str(tmp_path / "b.yaml")])
    err = capsys.readouterr().err
    assert done.value.code == 1
    assert err == ("kmsplan: error: Price List GetProducts: 500: <!doctype html> <title>500 "
                   "Internal Server Error</title> <h1>Internal Server Error</h1>\n")


def batch_pages(region, job=("Jobs", "0.25"), objects=("Objects", "0.000001")):
    pages = storage_pages(region)
    prefix = PREFIX.get(region, "X-")
    pages["s3_batch_job"] = [product(prefix + "BatchOperations-Jobs", region,
                                     ("Fee", job[0]), job[1], service="AmazonS3")]
    pages["s3_batch_million_objects"] = [product(prefix + "BatchOperations-Objects", region,
                                                 ("Fee", objects[0]), objects[1],
                                                 service="AmazonS3")]
    return pages


def test_batch_operations_prices_per_region(tmp_path):
    eu = batch_pages("eu-west-1", job=("Count", "0.27"), objects=("Objects", "0.0000011"))
    book, refreshed = refreshed_book(tmp_path, {"us-east-1": US_EAST_1, "eu-west-1": EU_WEST_1},
                                     storage={"us-east-1": batch_pages("us-east-1"),
                                              "eu-west-1": eu})
    job = book.entry("s3_batch_job", "eu-west-1")
    assert job.value == D("0.27")  # "Count" is one of the units a job price may come in
    assert "usagetype EUW1-BatchOperations-Jobs" in job.source
    assert not job.unconfirmed and not job.assumed_in("eu-west-1")
    # A price per object, x 1,000,000 for the book's million objects.
    assert book.value("s3_batch_million_objects", "eu-west-1") == D("1.1")
    assert book.value("s3_batch_million_objects", "us-east-1") == D("1")
    assert not any("batch" in note for note in refreshed.notes)


def test_batch_operations_in_another_unit_keep_the_base_price(tmp_path):
    # Unconfirmed entries: an unexpected unit, or a price ten times off the base book's (a
    # price per million objects read as per object), is a note, not a stop, and not a price.
    us = batch_pages("us-east-1", job=("Hours", "0.25"), objects=("Objects", "1.00"))
    book, refreshed = refreshed_book(tmp_path, {"us-east-1": US_EAST_1},
                                     storage={"us-east-1": us})
    bundled = load_price_book()
    for entry in ("s3_batch_job", "s3_batch_million_objects"):
        kept = book.entry(entry)
        assert kept.value == bundled.value(entry) and kept.source == bundled.entry(entry).source
        assert kept.unconfirmed
    assert refreshed.notes == [
        "us-east-1: s3_batch_job: BatchOperations-Jobs: unit 'Hours', expected 'Jobs'; "
        "kept the base price",
        "us-east-1: s3_batch_million_objects: listed 1000000, not near the base price 1.00 "
        "(another unit?); kept the base price",
    ]
