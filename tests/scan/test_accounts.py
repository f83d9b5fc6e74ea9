"""Scope: two accounts through AssumeRole, two regions, an organization, an accounts file."""

from __future__ import annotations

import pytest

from planner.errors import InputError
from planner.scan.sessions import read_accounts_file
from tests.scan.conftest import HOME, client_in, refuse

CALLER = "123456789012"  # the emulator's account for the plain test credentials
FIRST, SECOND = "111111111111", "222222222222"


def test_two_accounts_through_assume_role_and_two_regions(fresh_aws, scan_estate):
    client_in(fresh_aws, FIRST, "ec2", HOME).create_volume(AvailabilityZone=f"{HOME}a", Size=1)
    client_in(fresh_aws, SECOND, "ec2", "eu-west-1").create_volume(
        AvailabilityZone="eu-west-1a", Size=2)
    client_in(fresh_aws, SECOND, "s3").create_bucket(
        Bucket="second-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    outcome = scan_estate(regions=[HOME, "eu-west-1"], accounts=[FIRST, SECOND],
                          role_name="Audit")
    inventory = outcome.inventory
    placed = sorted((r.account, r.region, r.resource_type, r.resource_id[:4])
                    for r in inventory.resources)
    assert placed == [(FIRST, HOME, "volume", "vol-"), (SECOND, "eu-west-1", "bucket", "seco"),
                      (SECOND, "eu-west-1", "volume", "vol-")]
    assert sorted(r.size_gb for r in inventory.resources if r.resource_type == "volume") == [
        1.0, 2.0]
    assert inventory.accounts == [FIRST, SECOND]
    assert inventory.regions == ["eu-west-1", HOME]
    assert {(s.account, s.region) for s in inventory.settings} == {
        (a, r) for a in (FIRST, SECOND) for r in (HOME, "eu-west-1")}
    assert inventory.errors == []


def test_an_account_that_refuses_the_role_is_an_error_not_a_stop(scan_estate):
    outcome = scan_estate(accounts=[CALLER, FIRST], role_name="Audit",
                          client_hook=refuse("AssumeRole"))
    [error] = outcome.inventory.errors
    assert (error.account, error.service, error.operation, error.code) == (
        FIRST, "sts", "AssumeRole", "AccessDenied")
    assert not outcome.nothing_read  # the caller's own account was read


def test_other_accounts_need_a_role_name(scan_estate):
    with pytest.raises(InputError, match="--role-name"):
        scan_estate(accounts=[FIRST])


def test_the_organization_lists_the_accounts(fresh_aws, aws_client, scan_estate):
    org = aws_client("organizations")
    org.create_organization(FeatureSet="ALL")
    created = org.create_account(AccountName="member", Email="member@example.com")
    member = org.describe_create_account_status(
        CreateAccountRequestId=created["CreateAccountStatus"]["Id"])["CreateAccountStatus"][
        "AccountId"]
    client_in(fresh_aws, member, "s3").create_bucket(Bucket="member-bucket")
    inventory = scan_estate(org=True, role_name="OrganizationAccountAccessRole").inventory
    assert inventory.accounts == [CALLER, member]
    assert [(r.account, r.resource_id) for r in inventory.resources] == [
        (member, "member-bucket")]
    # The plan's default billing scope follows this: one payer, one free tier.
    assert (inventory.accounts_from, inventory.partition) == ("organizations", "aws")
    assert scan_estate().inventory.accounts_from is None


def test_accounts_file(tmp_path):
    path = tmp_path / "accounts.txt"
    path.write_text(f"# production\n{FIRST}\n\n{SECOND}  # data\n{FIRST}\n")
    assert read_accounts_file(path) == [FIRST, SECOND]


@pytest.mark.parametrize("text, message", [
    ("12345\n", "line 1: '12345' is not a 12-digit account id"),
    ("# nothing\n", "no account ids"),
])
def test_bad_accounts_file(tmp_path, text, message):
    path = tmp_path / "accounts.txt"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        read_accounts_file(path)


def test_all_regions_means_the_enabled_ones(aws_client, scan_estate):
    aws_client("ec2", "eu-west-1").create_volume(AvailabilityZone="eu-west-1a", Size=1)

    class Http:
        status_code = 200
        headers: dict = {}

    def regions(client):
        def answer(model, **_):  # AWS's shape, trimmed to three regions
            if model.name == "DescribeRegions":
                return Http(), {"Regions": [
                    {"RegionName": "eu-west-1", "OptInStatus": "opt-in-not-required"},
                    {"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
                    {"RegionName": "ap-east-1", "OptInStatus": "not-opted-in"}],
                    "ResponseMetadata": {}}

        client.meta.events.register("before-call", answer)

    progress = []
    outcome = scan_estate(regions=["all"], client_hook=regions,
                          progress=lambda done, total, label: progress.append((done, total)))
    assert outcome.inventory.regions == ["eu-west-1", HOME]
    assert [r.region for r in outcome.inventory.resources] == ["eu-west-1"]
    # Progress counts up to a total that grows as listings reveal work, and ends complete.
    assert [done for done, _ in progress] == list(range(1, len(progress) + 1))
    assert progress[-1][0] == progress[-1][1]
