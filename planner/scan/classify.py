"""After the scan: resolve every KMS key reference and settle "aws-managed" vs "customer-managed".

This runs once all key catalogues are in, so the scanners never wait on KMS.
"""

from __future__ import annotations

from planner.inventory import KEY_UNKNOWN, Resource, ScanError
from planner.scan.common import KMS_PENDING
from planner.scan.keyref import KeyCatalogue


def settle_keys(
    resources: list[Resource],
    catalogue: KeyCatalogue,
    errors: list[ScanError],
    unread_keys: dict[str, ScanError],
    scanned: set[tuple[str, str]],
) -> None:
    """Resources marked KMS_PENDING get their key ARN and their encryption state.

    `scanned` holds the (account, region) pairs whose key catalogue the scan asked for: a key
    missing from one of those that was read is a deleted key; a key anywhere else is only
    unseen.
    """
    unread_regions = _failed(errors, "ListKeys")
    unread_aliases = _failed(errors, "ListAliases")
    for resource in resources:
        if resource.encryption != KMS_PENDING:
            continue
        ref = resource.kms_key_arn
        resolved = catalogue.resolve(ref, resource.account, resource.region)
        resource.kms_key_arn = resolved.arn
        key = resolved.key
        if not resolved.valid:  # e.g. the emulator's RDS placeholder "default_kms_key_id"
            # Encrypted, under a key the reference does not name: keep the raw text aside,
            # never in kms_key_arn (an ARN or null).
            resource.encryption = KEY_UNKNOWN
            resource.kms_key_arn = None
            resource.details["kms_key_raw"] = ref
        elif key is not None:
            resource.encryption = "aws-managed" if key.aws_managed else "customer-managed"
        elif resolved.aws_alias:
            resource.encryption = "aws-managed"  # AWS creates it on first use; maybe not listed
        elif resolved.account != resource.account:
            # AWS managed keys cannot be used from another account.
            resource.encryption = "customer-managed"
            if _read((resolved.account, resolved.region), scanned, unread_regions):
                resource.details["key_in_catalogue"] = False  # deleted by its owner
        elif _is_alias(resolved.arn):
            # An alias that resolves to no key: unreadable aliases, or a deleted alias (writes
            # naming it fail), so it is investigated, never priced as a working key.
            _unresolved_alias(resource, resolved, unread_aliases)
        elif (resolved.account, resolved.region) in unread_regions:
            failed = unread_regions[resolved.account, resolved.region]
            resource.encryption = "unknown"
            resource.error = (
                f"{failed.code}: {failed.message} (the key catalogue of {failed.account} "
                f"{failed.region} could not be read, so the key manager is unknown)"
            )
        elif resolved.arn in unread_keys:
            failed = unread_keys[resolved.arn]
            resource.encryption = "unknown"
            resource.error = f"{failed.code}: {failed.message} (DescribeKey on the resource's key)"
        else:
            # Not in the catalogue: a deleted key when that catalogue was read (AWS managed
            # keys are never deleted, so this one was the customer's); in a region the scan
            # did not cover, only unseen.
            resource.encryption = "customer-managed"
            if _read((resolved.account, resolved.region), scanned, unread_regions):
                resource.details["key_in_catalogue"] = False


def _failed(errors: list[ScanError], operation: str) -> dict[tuple[str, str], ScanError]:
    return {(e.account, e.region): e for e in errors
            if e.service == "kms" and e.operation == operation}


def _read(place: tuple[str, str], scanned: set, unread_regions: dict) -> bool:
    """Whether the key catalogue of this (account, region) was asked for and read."""
    return place in scanned and place not in unread_regions


def _is_alias(arn: str | None) -> bool:
    """True for an alias ARN: what Resolved.arn is when the alias named no key."""
    parts = (arn or "").split(":", 5)
    return len(parts) == 6 and parts[5].startswith("alias/")


def _unresolved_alias(resource: Resource, resolved, unread_aliases: dict) -> None:
    name = resolved.arn.split(":", 5)[5]
    resource.encryption = "unknown"
    failed = unread_aliases.get((resolved.account, resolved.region))
    if failed is not None:
        resource.error = (
            f"{failed.code}: {failed.message} (the aliases of {failed.account} {failed.region} "
            f"could not be read, so the key behind {name} is unknown)"
        )
    else:
        resource.error = f"AliasNotFound: {name} does not exist"
