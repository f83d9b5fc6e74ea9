"""KMS keys, and the one normalizer every key reference goes through."""

from __future__ import annotations

from planner.inventory import Key
from planner.scan.common import Alias
from planner.scan.keyref import KeyCatalogue
from tests.scan.conftest import HOME

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
    assert outcome.inventory.errors == []
