"""Region names are checked against botocore's partition data."""

from __future__ import annotations

import botocore.loaders
import pytest

from planner.cli import scan as scan_cmd
from planner.cli.regions import check_region, known_regions, parse_region_list
from planner.errors import InputError
from planner.scan import scanner


def test_the_names_are_botocores_own():
    """Read through botocore's loader, as botocore reads them itself."""
    data = botocore.loaders.create_loader().load_data("partitions")
    regions = {name for partition in data["partitions"] for name in partition["regions"]
               if not name.endswith("-global")}
    assert known_regions() == regions
    assert {"us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"} <= regions


@pytest.mark.parametrize(("typo", "meant"), [("eu-wst-1", "eu-west-1"),
                                             ("us-east1", "us-east-1"),
                                             ("ap-southeast-22", "ap-southeast-2")])
def test_a_typo_gets_a_suggestion(typo, meant):
    with pytest.raises(InputError, match=f"did you mean {meant}\\?$"):
        check_region(typo, "--regions")


def test_nothing_close_gets_an_example():
    with pytest.raises(InputError, match=r"'mars' is not an AWS region botocore knows "
                                         r"\(a name such as us-east-1\)$"):
        check_region("mars")


def test_lists():
    assert parse_region_list("us-east-1, eu-west-1,us-east-1") == ["us-east-1", "eu-west-1"]
    assert parse_region_list("all", allow_all=True) == ["all"]
    with pytest.raises(InputError):
        parse_region_list("all")
    with pytest.raises(InputError, match="give region names"):
        parse_region_list(" , ")


def test_the_scan_default_workers_match_the_scanner():
    # The CLI keeps its own copy so --help need not import boto3.
    assert scan_cmd.DEFAULT_WORKERS == scanner.DEFAULT_WORKERS


def test_the_scan_service_names_match_the_registry():
    # The same reason: --help lists the services without importing the scanners.
    from planner.scan.registry import choosable

    assert scan_cmd.SERVICE_NAMES == choosable()


def test_the_scan_timeouts_match_the_sessions():
    from planner.scan import sessions

    assert (scan_cmd.CONNECT_TIMEOUT, scan_cmd.READ_TIMEOUT) == (sessions.CONNECT_TIMEOUT,
                                                                 sessions.READ_TIMEOUT)


def test_the_athena_timeout_default_matches_the_measure():
    from planner.cli import usage as usage_cmd
    from planner.measure import athena

    assert usage_cmd.ATHENA_TIMEOUT == athena.DEFAULT_TIMEOUT
