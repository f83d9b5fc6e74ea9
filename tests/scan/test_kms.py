"""KMS keys, and the one normalizer every key reference goes through."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from botocore.stub import Stubber

from planner.emulator import EMULATOR_LACKS
from planner.errors import InputError
from planner.inventory import SCHEMA, Key, inventory_from_dict
from planner.scan import kms as kms_scan
from planner.scan.common import Alias
from planner.scan.keyref import KeyCatalogue
from tests.scan.conftest import HOME, CallLog, StubClients, raw_client, refuse, stub_scope

ACCOUNT = "111122223333"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:{HOME}:{ACCOUNT}:key/{KEY_ID}"


def _key(key_id=KEY_ID, manager="CUSTOMER"):
    return Key(account=ACCOUNT, region=HOME, key_id=key_id,
               arn=f"arn:aws:kms:{HOME}:{ACCOUNT}:key/{key_id}", manager=manager,
               state="Enabled", spec="SYMMETRIC_DEFAULT", usage="ENCRYPT_DECRYPT",
               origin="AWS_KMS")


def test_every_form_of_reference_resolves_to_the_key_arn():
    key = _key()
    catalogue = KeyCatalogue([key], [Alias(ACCOUNT, HOME, "alias/orders", KEY_ID)])
    for ref in (KEY_ID, KEY_ARN, "alias/orders", f"arn:aws:kms:{HOME}:{ACCOUNT}:alias/orders"):
        resolved = catalogue.resolve(ref, ACCOUNT, HOME)
        assert (resolved.arn, resolved.key) == (KEY_ARN, key), ref
    assert key.aliases == ["alias/orders"]


def test_a_key_in_another_account_stays_an_arn_with_its_account():
    catalogue = KeyCatalogue([_key()], [])
    foreign = f"arn:aws:kms:{HOME}:444455556666:key/{KEY_ID}"
    resolved = catalogue.resolve(foreign, ACCOUNT, HOME)
    assert (resolved.arn, resolved.key, resolved.account) == (foreign, None, "444455556666")


def test_a_bare_id_belongs_to_the_referring_account_and_region():
    resolved = KeyCatalogue([], []).resolve(KEY_ID, ACCOUNT, "eu-west-1")
    assert resolved.arn == f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{KEY_ID}"


def test_an_aws_alias_makes_a_key_aws_managed_whatever_the_emulator_says():
    key = _key(manager="CUSTOMER")
    KeyCatalogue([key], [Alias(ACCOUNT, HOME, "alias/aws/s3", KEY_ID)])
    assert key.manager == "AWS"


def test_key_manager_aws_stands_without_an_alias():
    key = _key(manager="AWS")
    KeyCatalogue([key], [])
    assert key.manager == "AWS"


def test_not_a_reference():
    catalogue = KeyCatalogue([], [])
    assert catalogue.resolve("default_kms_key_id", ACCOUNT, HOME).valid is False
    assert catalogue.resolve(KEY_ID, ACCOUNT, HOME).valid is True


def _errors_but_last_use(outcome) -> list:
    """Scan errors other than the emulator's missing GetKeyLastUsage."""
    return [e for e in outcome.inventory.errors if e.code != EMULATOR_LACKS]


def test_keys_from_the_emulator(aws_client, scan_estate):
    kms = aws_client("kms")
    rotating = kms.create_key(Tags=[{"TagKey": "team", "TagValue": "pay"}])["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"])
    kms.create_alias(AliasName="alias/pay", TargetKeyId=rotating["KeyId"])
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    outcome = scan_estate()
    keys = {k.key_id: k for k in outcome.inventory.keys}
    pay = keys[rotating["KeyId"]]
    assert (pay.manager, pay.state, pay.spec, pay.usage, pay.origin) == (
        "CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS")
    assert (pay.rotation_enabled, pay.aliases, pay.tags) == (True, ["alias/pay"],
                                                             {"team": "pay"})
    assert pay.created is not None and pay.multi_region is False
    # Rotation is not a property of asymmetric keys: null, and no error recorded.
    assert keys[signing["KeyId"]].rotation_enabled is None
    # The emulator has no GetKeyLastUsage: last use unknown with its code, no grants.
    assert pay.last_usage == {"operation": None, "timestamp": None, "tracking_start": None,
                              "error": EMULATOR_LACKS}
    assert pay.grants == 0
    assert _errors_but_last_use(outcome) == []


def test_rotations_so_far_come_from_list_key_rotations(aws_client, scan_estate):
    kms = aws_client("kms")
    # Rotated twice on demand, then automatic rotation switched off: still 2 rotations.
    twice = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=twice)
    kms.rotate_key_on_demand(KeyId=twice)
    kms.rotate_key_on_demand(KeyId=twice)
    kms.disable_key_rotation(KeyId=twice)
    never = kms.create_key()["KeyMetadata"]["KeyId"]
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    log = CallLog()
    outcome = scan_estate(client_hook=log)
    keys = {k.key_id: k for k in outcome.inventory.keys}
    assert (keys[twice].rotation_enabled, keys[twice].rotations) == (False, 2)
    assert (keys[never].rotation_enabled, keys[never].rotations) == (False, 0)
    # Keys that cannot rotate are not asked.
    assert keys[signing].rotations is None
    assert log.calls.count(("kms", "ListKeyRotations")) == 2
    assert _errors_but_last_use(outcome) == []


def test_a_refused_list_key_rotations_leaves_the_count_unknown(aws_client, scan_estate):
    kms = aws_client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key_id)
    outcome = scan_estate(client_hook=refuse("ListKeyRotations"))
    [key] = outcome.inventory.keys
    assert (key.rotation_enabled, key.rotations) == (True, None)
    [error] = _errors_but_last_use(outcome)
    assert (error.service, error.operation, error.code) == ("kms", "ListKeyRotations",
                                                            "AccessDenied")


NEVER_USED = {"KeyId": KEY_ID, "TrackingStartDate": dt.datetime(2026, 8, 30, tzinfo=dt.UTC),
              "KeyCreationDate": dt.datetime(2026, 8, 30, tzinfo=dt.UTC)}
NO_GRANTS = {"Grants": [], "Truncated": False}


def _read_stubbed(status: dict, rotation_pages: list[dict], last_usage: dict = NEVER_USED,
                  grants: dict = NO_GRANTS) -> Key:
    """read_key against botocore Stubber answers shaped as in the AWS KMS API reference
    (the emulator answers GetKeyRotationStatus without RotationPeriodInDays or
    NextRotationDate, and has no GetKeyLastUsage)."""
    client = raw_client("kms")
    meta = {"KeyId": KEY_ID, "Arn": KEY_ARN, "KeyManager": "CUSTOMER", "KeyState": "Enabled",
            "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS",
            "CreationDate": dt.datetime(2026, 8, 30, tzinfo=dt.UTC)}
    with Stubber(client) as stub:
        stub.add_response("describe_key", {"KeyMetadata": meta}, {"KeyId": KEY_ARN})
        stub.add_response("get_key_rotation_status", status, {"KeyId": KEY_ARN})
        marker = None
        for page in rotation_pages:  # each page asks for the one the last page pointed to
            expected = {"KeyId": KEY_ARN} | ({"Marker": marker} if marker else {})
            stub.add_response("list_key_rotations", page, expected)
            marker = page.get("NextMarker")
        stub.add_response("get_key_last_usage", last_usage, {"KeyId": KEY_ARN})
        stub.add_response("list_grants", grants, {"KeyId": KEY_ARN})
        step = kms_scan.read_key(stub_scope(StubClients(kms=client)), KEY_ARN)
        stub.assert_no_pending_responses()
    assert step.errors == []
    [key] = step.found
    return key


def _rotation(day: int, kind: str = "AUTOMATIC") -> dict:
    return {"KeyId": KEY_ID, "RotationDate": dt.datetime(2026, 9, day, tzinfo=dt.UTC),
            "RotationType": kind}


def test_custom_period_next_date_and_every_page_of_rotations():
    status = {"KeyId": KEY_ARN, "KeyRotationEnabled": True, "RotationPeriodInDays": 90,
              "NextRotationDate": dt.datetime(2026, 12, 13, 4, 30, tzinfo=dt.UTC)}
    key = _read_stubbed(status, [
        {"Rotations": [_rotation(1), _rotation(2, "ON_DEMAND")], "Truncated": True,
         "NextMarker": "page-2"},
        {"Rotations": [_rotation(3, "ON_DEMAND")], "Truncated": False},
    ])
    assert (key.rotation_enabled, key.rotation_period_days, key.next_rotation) == (
        True, 90, "2026-12-13")
    assert key.rotations == 3  # the plain count; which of them are billed is the plan's business


def test_rotation_off_has_no_period_or_next_date():
    key = _read_stubbed({"KeyId": KEY_ARN, "KeyRotationEnabled": False},
                        [{"Rotations": [], "Truncated": False}])
    assert (key.rotation_enabled, key.rotations, key.rotation_period_days,
            key.next_rotation) == (False, 0, None, None)


OLD_KEY = {"account": ACCOUNT, "region": HOME, "key_id": KEY_ID, "arn": KEY_ARN,
           "manager": "CUSTOMER", "state": "Enabled", "spec": "SYMMETRIC_DEFAULT",
           "usage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS", "rotation_enabled": True}


def _load(key: dict):
    return inventory_from_dict(
        {"schema": SCHEMA, "scanned_at": "2026-01-01T00:00:00+00:00", "tool_version": "0",
         "accounts": [ACCOUNT], "regions": [HOME], "resources": [], "keys": [key]}, "inv.json")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("rotations", -1, "inv.json: keys[0].rotations: must be a whole number >= 0 or null"),
    ("rotations", "2", "keys[0].rotations: must be a whole number >= 0 or null"),
    ("rotation_period_days", 90.5, "keys[0].rotation_period_days: must be a whole number"),
    ("next_rotation", 20261213, "keys[0].next_rotation: must be text or null"),
])
def test_rotation_fields_of_the_wrong_type_are_bad_input(field, value, message):
    with pytest.raises(InputError, match=re.escape(message)):
        _load({**OLD_KEY, field: value})


def test_an_older_inventory_without_rotation_fields_still_loads():
    [key] = _load(OLD_KEY).keys
    assert (key.rotations, key.rotation_period_days, key.next_rotation) == (None, None, None)
