"""GetKeyLastUsage and ListGrants in the KMS scan, against botocore Stubber answers shaped as
in the AWS KMS API reference (API_GetKeyLastUsage, API_ListGrants): the local emulator
implements ListGrants but not GetKeyLastUsage."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from botocore.stub import Stubber

from planner.errors import InputError
from planner.inventory import SCHEMA, inventory_from_dict
from planner.scan import kms as kms_scan
from tests.scan.conftest import HOME, StubClients, raw_client, stub_scope

ACCOUNT = "111122223333"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{HOME}:{ACCOUNT}:key/{KEY_ID}"
CREATED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TRACKING = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)  # when KMS began tracking last use


def _scan(last_usage: dict | None, grants_pages=({"Grants": [], "Truncated": False},),
          meta_extra: dict | None = None, refuse_last_usage: str | None = None):
    """read_key on an RSA key (no rotation calls), so only the calls under test are stubbed."""
    client = raw_client("kms")
    meta = {"KeyId": KEY_ID, "Arn": KEY_ARN, "KeyManager": "CUSTOMER", "KeyState": "Enabled",
            "KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY", "Origin": "AWS_KMS",
            "CreationDate": CREATED, **(meta_extra or {})}
    with Stubber(client) as stub:
        stub.add_response("describe_key", {"KeyMetadata": meta}, {"KeyId": KEY_ARN})
        if refuse_last_usage:
            stub.add_client_error("get_key_last_usage", refuse_last_usage, "not allowed",
                                  400, expected_params={"KeyId": KEY_ARN})
        else:
            stub.add_response("get_key_last_usage", last_usage, {"KeyId": KEY_ARN})
        marker = None
        for page in grants_pages:
            expected = {"KeyId": KEY_ARN} | ({"Marker": marker} if marker else {})
            stub.add_response("list_grants", page, expected)
            marker = page.get("NextMarker")
        step = kms_scan.read_key(stub_scope(StubClients(kms=client)), KEY_ARN)
        stub.assert_no_pending_responses()
    [key] = step.found
    return key, step.errors


def test_a_key_used_since_tracking_began():
    key, errors = _scan({
        "KeyId": KEY_ID, "TrackingStartDate": TRACKING, "KeyCreationDate": CREATED,
        "KeyLastUsage": {"Operation": "Decrypt",
                         "Timestamp": dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC),
                         "CloudTrailEventId": "4aa7e4d5-d047-452a-a5a6-2cce282a7e82",
                         "KmsRequestId": "93746dd6-63bc-11e4-bc2b-4198b6150d5c"}})
    assert errors == []
    assert key.last_usage == {"operation": "Decrypt", "timestamp": "2026-11-20T14:05:00+00:00",
                              "tracking_start": "2026-04-01T00:00:00+00:00",
                              "event_id": "4aa7e4d5-d047-452a-a5a6-2cce282a7e82",
                              "error": None}


def test_empty_since_creation_means_never_used():
    # Created on or after the tracking start, and no KeyLastUsage: never used.
    created = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    key, errors = _scan({"KeyId": KEY_ID, "TrackingStartDate": created,
                         "KeyCreationDate": created, "KeyLastUsage": {}},
                        meta_extra={"CreationDate": created})
    assert errors == []
    assert key.last_usage["operation"] is None and key.last_usage["timestamp"] is None
    assert key.last_usage["tracking_start"] == "2026-05-01T00:00:00+00:00"
    assert key.created == "2026-05-01T00:00:00+00:00"  # the plan compares the two


def test_empty_before_tracking_start_keeps_the_tracking_start():
    # Created in March, tracked from April: not used since April; before that nobody knows.
    key, errors = _scan({"KeyId": KEY_ID, "TrackingStartDate": TRACKING,
                         "KeyCreationDate": CREATED})
    assert errors == []
    assert (key.last_usage["timestamp"], key.last_usage["tracking_start"], key.created) == (
        None, "2026-04-01T00:00:00+00:00", "2026-03-02T09:00:00+00:00")


@pytest.mark.parametrize("code", ["AccessDeniedException", "UnsupportedOperationException"])
def test_denied_or_unsupported_leaves_last_use_unknown_with_the_code(code):
    key, errors = _scan(None, refuse_last_usage=code)
    assert key.last_usage == {"operation": None, "timestamp": None, "tracking_start": None,
                              "error": code}
    [error] = errors
    assert (error.operation, error.code) == ("GetKeyLastUsage", code)
    assert key.grants == 0  # the other calls still ran


def _grant(n: int) -> dict:
    return {"KeyId": KEY_ARN, "GrantId": f"grant-{n}",
            "GranteePrincipal": "rds.us-east-1.amazonaws.com",
            "Operations": ["Decrypt", "GenerateDataKey"]}


def test_grants_are_counted_over_every_page():
    pages = [{"Grants": [_grant(1), _grant(2)], "Truncated": True, "NextMarker": "next"},
             {"Grants": [_grant(3)], "Truncated": False}]
    key, errors = _scan({"KeyId": KEY_ID, "TrackingStartDate": TRACKING}, grants_pages=pages)
    assert (errors, key.grants) == ([], 3)


def test_a_multi_region_primary_names_its_replicas_and_the_key_store_is_kept():
    replica = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/mrk-1"
    key, _ = _scan({"KeyId": KEY_ID, "TrackingStartDate": TRACKING}, meta_extra={
        "MultiRegion": True, "CustomKeyStoreId": "cks-1234567890abcdef0",
        "MultiRegionConfiguration": {
            "MultiRegionKeyType": "PRIMARY",
            "PrimaryKey": {"Arn": KEY_ARN, "Region": HOME},
            "ReplicaKeys": [{"Arn": replica, "Region": "eu-west-1"}]}})
    assert (key.multi_region_type, key.replica_keys, key.primary_key) == (
        "PRIMARY", [replica], None)
    assert key.custom_key_store == "cks-1234567890abcdef0"


@pytest.mark.parametrize(("last_usage", "message"), [
    ({"timestamp": "last tuesday"}, "keys[0].last_usage.timestamp: 'last tuesday' is not an "
     "ISO date-time"),
    ({"tracking_start": 20260401}, "keys[0].last_usage.tracking_start: must be text or null"),
    ({"error": ["AccessDenied"]}, "keys[0].last_usage.error: must be text or null"),
    ("Decrypt", "keys[0].last_usage: must be an object or null"),
])
def test_a_malformed_last_usage_in_an_inventory_is_bad_input(last_usage, message):
    key = {"account": ACCOUNT, "region": HOME, "key_id": KEY_ID, "arn": KEY_ARN,
           "manager": "CUSTOMER", "state": "Enabled", "spec": "SYMMETRIC_DEFAULT",
           "usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS", "last_usage": last_usage}
    with pytest.raises(InputError, match=re.escape(message)):
        inventory_from_dict({"schema": SCHEMA, "scanned_at": "2026-11-28T00:00:00+00:00",
                             "tool_version": "0", "accounts": [ACCOUNT], "regions": [HOME],
                             "resources": [], "keys": [key]}, "inv.json")
