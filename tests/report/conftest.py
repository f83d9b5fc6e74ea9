"""Plans for the workbook tests: a small one worked by hand, and a rich one."""

from __future__ import annotations

import dataclasses
from importlib import resources

import pytest
import yaml

from planner.plan import PlanSettings, build_plan
from planner.usage import load_usage
from pricing import load_price_book
from pricing.book import parse_price_book
from tests.factories import make_inventory, make_key, make_resource, rich_inventory

# Text an AWS account may hold that a spreadsheet could take for a formula.
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tcmd"]


def plan_of(inventory, **settings):
    return build_plan(inventory, PlanSettings(**settings), load_usage(), load_price_book())


def small_inventory():
    """Two buckets in one account and region, the bundled prices and default usage."""
    aws_s3 = make_key("5555eeee", manager="AWS", aliases=["alias/aws/s3"])
    return make_inventory([
        make_resource("bucket", "plain", "none", object_count=1_000_000),
        make_resource("bucket", "managed", "aws-managed", key=aws_s3.arn, bucket_key=False),
    ], [aws_s3])


def hostile_inventory():
    """The rich inventory plus resources whose names, ids and tags are hostile text."""
    inventory = rich_inventory()
    for i, text in enumerate(HOSTILE):
        bucket = make_resource("bucket", text, "none", object_count=10, tags={text: text})
        inventory.resources.append(dataclasses.replace(bucket, name=text))
        inventory.resources.append(make_resource("volume", f"vol-{i}", "none", size_gb=1,
                                                 tags={"Name": text}))
    return inventory


@pytest.fixture(scope="session")
def small_plan():
    return plan_of(small_inventory())


@pytest.fixture(scope="session")
def rich_plan():
    return plan_of(hostile_inventory())


def regional_book():
    """The bundled price book with eu-west-1 overriding the key and symmetric request prices."""
    data = yaml.safe_load((resources.files("pricing") / "data" / "aws-kms-us.yaml")
                          .read_text(encoding="utf-8"))
    data["regions"]["eu-west-1"] = {"key_month": "1.10", "requests_symmetric": "0.04"}
    return parse_price_book(data, "regional test book")


def regional_plan():
    return build_plan(hostile_inventory(), PlanSettings(), load_usage(), regional_book())
