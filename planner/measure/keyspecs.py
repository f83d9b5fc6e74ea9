"""Key references in CloudTrail records -> key ARN and KeySpec, from an optional inventory."""

from __future__ import annotations

from planner.inventory import Inventory


class KeyDirectory:
    """The keys an inventory knows: their specs, and their ids and aliases per account/region.

    Without an inventory only full key ARNs resolve and every spec is unknown.
    """

    def __init__(self, inventory: Inventory | None = None) -> None:
        self.specs: dict[str, str] = {}
        self._names: dict[tuple[str, str, str], str] = {}
        for key in inventory.keys if inventory else ():
            self.specs[key.arn] = key.spec
            self._names[(key.account, key.region, key.key_id)] = key.arn
            for alias in key.aliases:
                self._names[(key.account, key.region, alias)] = key.arn

    def resolve(self, reference: object, account: object, region: object) -> str | None:
        """A key ARN for a key ARN, key id, alias name or alias ARN; None if unknown."""
        if not isinstance(reference, str) or not reference:
            return None
        if reference.startswith("arn:") and ":key/" in reference:
            return reference
        if reference.startswith("arn:") and ":alias/" in reference:
            parts = reference.split(":", 5)  # arn:partition:kms:region:account:alias/name
            return self._names.get((parts[4], parts[3], parts[5])) if len(parts) == 6 else None
        return self._names.get((account, region, reference))  # type: ignore[arg-type]

    def spec(self, key_arn: str) -> str | None:
        return self.specs.get(key_arn)
