"""The encryption ladder: where each resource stands, and whether it meets a target."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from planner.inventory import Resource

# Lowest first. SSE-S3 (S3-managed AES256), AWS owned keys and "kms-key-unknown" (KMS, under a
# key the scan could not name: maybe AWS managed) share a rung; "unknown" is off the ladder:
# it never meets a target and is never taken for "none" either.
LADDER = {"none": 0, "sse-s3": 1, "aws-owned": 1, "kms-key-unknown": 1, "aws-managed": 2,
          "customer-managed": 3}
TARGETS = {"encrypted": 1, "aws-managed": 2, "customer-managed": 3}


def meets(state: str, target: str) -> bool:
    rank = LADDER.get(state)
    return rank is not None and rank >= TARGETS[target]


def coverage_by(resources: Iterable[Resource], *fields: str) -> dict:
    """Nested counts: field1 -> ... -> encryption state -> count."""
    counts: Counter = Counter()
    for resource in resources:
        counts[tuple(getattr(resource, f) for f in fields) + (resource.encryption,)] += 1
    nested: dict = {}
    for path, count in sorted(counts.items()):
        node = nested
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = count
    return nested
