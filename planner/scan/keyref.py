"""One normalizer for KMS key references, and the key manager rule.

Services name keys four ways: a key id, a key ARN, an alias name ("alias/x") or an alias ARN.
`KeyCatalogue.resolve` turns each into the key's ARN through the key catalogue of the account
and region the reference was made in; a key in another account stays an ARN with its account.

Who manages a key: KeyManager "AWS", or an `alias/aws/...` alias. In real AWS the two always
agree (names under alias/aws/ are reserved for AWS managed keys, so no customer key can carry
one); the local emulator reports KeyManager CUSTOMER for every key, including the ones it
creates behind alias/aws/ebs or alias/aws/dynamodb, so the alias must win there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.inventory import Key
from planner.scan.common import Alias

AWS_ALIAS_PREFIX = "alias/aws/"
# A key id: a UUID, or "mrk-" and 32 hex digits for a multi-Region key.
KEY_ID = re.compile(
    r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$"
)


@dataclass(frozen=True)
class Resolved:
    arn: str | None  # the key ARN, or the alias ARN when the alias could not be resolved
    key: Key | None  # the key from the catalogue, when it is there
    aws_alias: bool  # the reference was an alias under alias/aws/
    account: str
    region: str
    valid: bool = True  # False: not a key id, key ARN, alias name or alias ARN


class KeyCatalogue:
    """Every key and alias the scan read, per account and region."""

    def __init__(self, keys: list[Key], aliases: list[Alias], partition: str = "aws"):
        self.partition = partition
        self._by_arn = {key.arn: key for key in keys}
        self._alias_target: dict[tuple[str, str, str], str] = {}
        for alias in aliases:
            if alias.target_key_id:
                self._alias_target[alias.account, alias.region, alias.name] = alias.target_key_id
        # Each key learns its aliases, then who manages it (the alias rule above).
        for alias in aliases:
            if alias.target_key_id:
                key = self._by_arn.get(self._key_arn(alias.region, alias.account,
                                                     alias.target_key_id))
                if key is not None and alias.name not in key.aliases:
                    key.aliases.append(alias.name)
        for key in keys:
            key.aliases.sort()
            if key.aws_managed:
                key.manager = "AWS"

    def _key_arn(self, region: str, account: str, key_id: str) -> str:
        return f"arn:{self.partition}:kms:{region}:{account}:key/{key_id}"

    def resolve(self, ref: str, account: str, region: str) -> Resolved:
        """The key ARN behind `ref`, as seen from `account` in `region`."""
        if ref.startswith("arn:"):
            parts = ref.split(":", 5)
            if len(parts) == 6:
                _, partition, _, region, account, resource = parts
                if resource.startswith("key/"):
                    return self._found(ref, account, region, aws_alias=False)
                if resource.startswith("alias/"):
                    return self._alias(resource, account, region, alias_arn=ref)
            return Resolved(ref, None, False, account, region, valid=False)
        if ref.startswith("alias/"):
            alias_arn = f"arn:{self.partition}:kms:{region}:{account}:{ref}"
            return self._alias(ref, account, region, alias_arn)
        if not KEY_ID.match(ref):
            return Resolved(ref, None, False, account, region, valid=False)
        return self._found(self._key_arn(region, account, ref), account, region, aws_alias=False)

    def _alias(self, name: str, account: str, region: str, alias_arn: str) -> Resolved:
        aws_alias = name.startswith(AWS_ALIAS_PREFIX)
        target = self._alias_target.get((account, region, name))
        if target is None:
            return Resolved(alias_arn, None, aws_alias, account, region)
        return self._found(self._key_arn(region, account, target), account, region, aws_alias)

    def _found(self, arn: str, account: str, region: str, aws_alias: bool) -> Resolved:
        return Resolved(arn, self._by_arn.get(arn), aws_alias, account, region)
