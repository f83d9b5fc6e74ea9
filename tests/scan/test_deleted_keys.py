"""A key a resource names but no key catalogue holds: deleted only where the catalogue was read.

settle_keys runs after every task; these call it directly with a catalogue, the scan's errors
and the (account, region) pairs the scan covered.
"""

from __future__ import annotations

import pytest

from planner.inventory import Resource, ScanError
from planner.scan.classify import settle_keys
from planner.scan.common import KMS_PENDING
from planner.scan.keyref import KeyCatalogue

OWN, OTHER = "111111111111", "222222222222"
REGION, ELSEWHERE = "us-east-1", "eu-west-1"
GONE = "0d0d0d0d-1111-2222-3333-444444444444"


def volume(key_arn: str) -> Resource:
    return Resource(account=OWN, region=REGION, service="ebs", resource_type="volume",
                    resource_id="vol-1", arn=f"arn:aws:ec2:{REGION}:{OWN}:volume/vol-1",
                    name="vol-1", encryption=KMS_PENDING, kms_key_arn=key_arn)


def settled(key_account: str, key_region: str, scanned: set, errors=()) -> Resource:
    resource = volume(f"arn:aws:kms:{key_region}:{key_account}:key/{GONE}")
    settle_keys([resource], KeyCatalogue([], []), list(errors), {}, scanned)
    return resource


@pytest.mark.parametrize(("key_account", "key_region", "scanned", "deleted"), [
    (OWN, REGION, {(OWN, REGION)}, True),  # its own catalogue was read: deleted
    (OWN, ELSEWHERE, {(OWN, REGION)}, False),  # a region the scan did not cover: unseen
    (OTHER, REGION, {(OWN, REGION), (OTHER, REGION)}, True),  # the owner was scanned too
    (OTHER, REGION, {(OWN, REGION)}, False),  # the owner's account was not scanned
])
def test_missing_keys_are_deleted_only_where_the_catalogue_was_read(
        key_account, key_region, scanned, deleted):
    resource = settled(key_account, key_region, scanned)
    assert resource.encryption == "customer-managed"
    assert resource.details.get("key_in_catalogue") is (False if deleted else None)


def test_a_catalogue_that_could_not_be_read_proves_nothing():
    denied = ScanError(OTHER, REGION, "kms", "ListKeys", "AccessDenied", "no")
    resource = settled(OTHER, REGION, {(OWN, REGION), (OTHER, REGION)}, [denied])
    assert "key_in_catalogue" not in resource.details
    own = settled(OWN, REGION, {(OWN, REGION)},
                  [ScanError(OWN, REGION, "kms", "ListKeys", "AccessDenied", "no")])
    assert (own.encryption, own.error.split(":")[0]) == ("unknown", "AccessDenied")
