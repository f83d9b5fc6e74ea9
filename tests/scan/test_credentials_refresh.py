"""Assumed-role credentials last an hour; a long scan must renew them, not fail with
ExpiredToken. The clock is the test's: the emulator's credentials say when they expire."""

from __future__ import annotations

import datetime as dt

import boto3

from planner.scan.sessions import Clients, retry_config
from tests.scan.conftest import HOME, CallLog, client_in

ACCOUNT = "111111111111"


class Clock:
    def __init__(self):
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


class Expiries(CallLog):
    """Records every call, and the expiry each AssumeRole answer gave its credentials."""

    def __init__(self):
        super().__init__()
        self.expiries: list[dt.datetime] = []

    def __call__(self, client):
        super().__call__(client)

        def keep(parsed, **_):
            self.expiries.append(parsed["Credentials"]["Expiration"])

        client.meta.events.register("after-call.sts.AssumeRole", keep)


def _assumed(endpoint: str, log: CallLog, clock: Clock) -> Clients:
    base = Clients(boto3.Session(region_name=HOME), endpoint, retry_config(1, 2), log, clock)
    return base.assume(ACCOUNT, "Audit", "aws", HOME)


def _assume_role_calls(log: CallLog) -> int:
    return log.calls.count(("sts", "AssumeRole"))


def test_credentials_are_renewed_when_they_near_expiry(fresh_aws):
    client_in(fresh_aws, ACCOUNT, "s3").create_bucket(Bucket="in-the-member-account")
    log, clock = Expiries(), Clock()
    s3 = _assumed(fresh_aws, log, clock).client("s3", HOME)
    expiry = log.expiries[-1]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["in-the-member-account"]
    assert _assume_role_calls(log) == 1
    # 20 minutes before expiry: still good, no new AssumeRole.
    clock.now = expiry - dt.timedelta(minutes=20)
    s3.list_buckets()
    assert _assume_role_calls(log) == 1
    # 5 minutes before expiry: renewed before the call, and the call still reads the account.
    clock.now = expiry - dt.timedelta(minutes=5)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["in-the-member-account"]
    assert _assume_role_calls(log) == 2
    # The renewed credentials carry their own expiry: no AssumeRole on the next call.
    renewed = log.expiries[-1]
    clock.now = renewed - dt.timedelta(minutes=30)
    s3.list_buckets()
    assert _assume_role_calls(log) == 2


def test_every_client_of_an_account_shares_one_renewal(fresh_aws):
    log, clock = Expiries(), Clock()
    clients = _assumed(fresh_aws, log, clock)
    s3, ec2 = clients.client("s3", HOME), clients.client("ec2", "eu-west-1")
    expiry = log.expiries[-1]
    clock.now = expiry - dt.timedelta(minutes=5)
    s3.list_buckets()
    assert _assume_role_calls(log) == 2
    # The EC2 client, made before the renewal, signs with the renewed credentials.
    renewed = log.expiries[-1]
    clock.now = renewed - dt.timedelta(minutes=30)
    ec2.describe_volumes()
    assert _assume_role_calls(log) == 2
