"""From what the tasks found to one Inventory: tags and storage metrics joined to their
resources, key references settled through the key catalogue, everything in a stable order."""

from __future__ import annotations

from planner import __version__
from planner.inventory import Inventory, Key, RegionSettings, Resource, ScanError
from planner.scan.classify import settle_keys
from planner.scan.common import Alias, UnreadKey
from planner.scan.keyref import KeyCatalogue
from planner.scan.rds import SIZE_SOURCE, ClusterSize
from planner.scan.s3 import BucketMetrics
from planner.scan.tags import Tags


def assemble(found: list, errors: list[ScanError], partition: str,
             scanned: set[tuple[str, str]]) -> Inventory:
    """`scanned`: the (account, region) pairs the scan covered (their key catalogues too)."""
    resources = [item for item in found if isinstance(item, Resource)]
    keys = [item for item in found if isinstance(item, Key)]
    settings = [item for item in found if isinstance(item, RegionSettings)]
    aliases = [item for item in found if isinstance(item, Alias)]
    unread_keys = {item.arn: item.error for item in found if isinstance(item, UnreadKey)}
    metrics = {(m.account, m.region, m.bucket): m for m in found
               if isinstance(m, BucketMetrics)}
    cluster_sizes = {(c.account, c.region, c.cluster_id): c for c in found
                     if isinstance(c, ClusterSize)}
    tagged = {(t.account, t.arn): t.tags for t in found if isinstance(t, Tags)}
    for item in (*resources, *keys):
        if (item.account, item.arn) in tagged:
            item.tags = tagged[item.account, item.arn]
    catalogue = KeyCatalogue(keys, aliases, partition)
    settle_keys(resources, catalogue, errors, unread_keys, scanned)
    for resource in resources:
        if resource.resource_type == "bucket":
            figures = metrics.get((resource.account, resource.region, resource.resource_id))
            if figures is not None:
                resource.size_gb = (None if figures.size_bytes is None
                                    else figures.size_bytes / 1e9)
                resource.object_count = (None if figures.objects is None
                                         else int(figures.objects))
                # Archived objects must be restored before a copy can read them.
                resource.details["archive_gb"] = figures.archive_bytes / 1e9
        elif resource.resource_type == "db-cluster":
            size = cluster_sizes.get((resource.account, resource.region, resource.resource_id))
            if size is not None and size.size_bytes is not None:
                resource.size_gb = size.size_bytes / 1e9
                resource.details["size_source"] = SIZE_SOURCE
            elif size is not None:
                resource.details["size_source"] = f"unknown: {size.unknown_because}"
    for setting in settings:
        if setting.ebs_default_key_arn:
            setting.ebs_default_key_arn = catalogue.resolve(
                setting.ebs_default_key_arn, setting.account, setting.region).arn
    resources.sort(key=lambda r: (r.account, r.region, r.service, r.resource_type, r.resource_id))
    keys.sort(key=lambda k: (k.account, k.region, k.arn))
    settings.sort(key=lambda s: (s.account, s.region))
    errors.sort(key=lambda e: (e.account, e.region, e.service, e.operation))
    return Inventory(scanned_at="", tool_version=__version__, accounts=[], regions=[],
                     resources=resources, keys=keys, settings=settings, errors=errors,
                     partition=partition)
