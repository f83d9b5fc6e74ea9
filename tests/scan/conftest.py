"""Helpers for scanner tests: run a scan against the emulator, refuse or record calls."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from planner.scan import run_scan

HOME = "us-east-1"


def refuse(operation: str, code: str = "AccessDenied", region: str | None = None):
    """A client hook: `operation` fails with `code` (in `region` only, when given)."""

    def hook(client):
        def handler(model, **_):
            if model.name == operation and region in (None, client.meta.region_name):
                raise ClientError({"Error": {"Code": code, "Message": "refused by the test"}},
                                  model.name)

        client.meta.events.register("before-call", handler)

    return hook


def combine(*hooks):
    def hook(client):
        for each in hooks:
            each(client)

    return hook


class CallLog:
    """A client hook that records every API call the scanner makes: (service, operation)."""

    def __init__(self):
        self.calls: list[tuple[str, str]] = []

    def __call__(self, client):
        service = client.meta.service_model.service_name

        def record(model, **_):
            self.calls.append((service, model.name))

        client.meta.events.register("before-call", record)


@pytest.fixture
def scan_estate(fresh_aws):
    """Scan the emulator: scan_estate(regions=[...], **options) -> ScanOutcome."""

    def run(**options):
        options.setdefault("regions", [HOME])
        options.setdefault("workers", 4)
        return run_scan(boto3.Session(region_name=HOME), endpoint_url=fresh_aws, **options)

    return run


def by_id(inventory) -> dict:
    return {r.resource_id: r for r in inventory.resources}


class StubClients:
    """Stands in for planner.scan.sessions.Clients: hands out botocore-stubbed clients."""

    def __init__(self, **clients):
        self.by_service = clients

    def client(self, service: str, region: str):
        return self.by_service[service]


def stub_scope(clients: StubClients, region: str = HOME, regions=(HOME,)):
    from planner.scan.common import Scope

    return Scope("111122223333", region, "aws", tuple(regions), clients)


def raw_client(service: str, region: str = HOME):
    """A client for Stubber: never reaches a network."""
    return boto3.client(service, region_name=region, aws_access_key_id="x",
                        aws_secret_access_key="x")


def client_in(endpoint: str, account: str, service: str, region: str = HOME):
    """A client acting in `account` (the emulator picks the account from assumed-role keys)."""
    sts = boto3.client("sts", region_name=HOME, endpoint_url=endpoint)
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/Seeder",
                                  RoleSessionName="seeding")["Credentials"]
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id=credentials["AccessKeyId"],
                        aws_secret_access_key=credentials["SecretAccessKey"],
                        aws_session_token=credentials["SessionToken"])


def ebs_default_key(key_arn: str):
    """A client hook answering GetEbsDefaultKmsKeyId with AWS's shape (the emulator lacks it)."""

    class Http:
        status_code = 200
        headers: dict = {}

    def hook(client):
        def answer(model, **_):
            if model.name == "GetEbsDefaultKmsKeyId":
                return Http(), {"KmsKeyId": key_arn, "ResponseMetadata": {}}

        client.meta.events.register("before-call", answer)

    return hook


def assert_listing_refused(scan_estate, service: str, operation: str) -> None:
    """A refused listing: nothing of the service is in the inventory, and the refusal is one
    error naming the service, the call and the AWS code (never an empty "nothing here")."""
    outcome = scan_estate(services=[service], client_hook=refuse(operation))
    assert outcome.inventory.resources == []
    # KMS is always read; the emulator's missing GetKeyLastUsage is an error of its own.
    assert [(e.service, e.operation, e.code) for e in outcome.inventory.errors
            if e.service != "kms"] == [(service, operation, "AccessDenied")]
