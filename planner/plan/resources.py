"""Decide each resource's action, its key after the plan, its request volumes and one-time cost."""

from __future__ import annotations

from decimal import Decimal

from planner.coverage import meets
from planner.inventory import Key, Resource
from planner.plan import remediation, stores
from planner.plan.model import PlanSettings, ResourcePlan
from planner.plan.requests import KMS_STATES, monthly_requests, traffic
from planner.plan.strategy import aws_managed_key_ref, new_key_ref
from planner.usage import Usage
from pricing import PriceBook

AT_RISK_STATES = frozenset({"Disabled", "PendingDeletion", "PendingReplicaDeletion",
                            "Unavailable"})
REMEDIATION = {
    "bucket": "s3-set-default-sse-kms",
    "volume": "ebs-copy-and-swap",
    "snapshot": "ebs-snapshot-copy",
    "db-instance": "rds-snapshot-copy-restore",
    "db-cluster": "aurora-restore-encrypted",
    "db-snapshot": "rds-snapshot-copy",
    "db-cluster-snapshot": "rds-snapshot-copy",
    "table": "dynamodb-update-sse",
    "account-setting": "ebs-enable-default-encryption",
}
REMEDIATION.update(stores.REMEDIATION)


class ResourcePlanner:
    def __init__(self, settings: PlanSettings, book: PriceBook, usage: Usage,
                 keys_by_arn: dict[str, Key], aliases: dict):
        self.settings = settings
        self.book = book
        self.usage = usage
        self.keys_by_arn = keys_by_arn
        self.aliases = aliases
        self.reduction = usage.parameter("bucket_key_request_reduction")
        self._shared_sources: dict[tuple, dict] = {}
        self.cluster_plans: dict[tuple[str, str, str], ResourcePlan] = {}

    def _share(self, mapping: dict) -> dict:
        """One dict for each distinct provenance mapping: most resources share defaults."""
        return self._shared_sources.setdefault(tuple(mapping.items()), mapping)

    def target_state_and_key(self, resource: Resource, target: str) -> tuple[str, str | None]:
        no_aws_managed_key = resource.service in stores.NO_AWS_MANAGED_KEY
        if target == "customer-managed" or (target == "aws-managed" and no_aws_managed_key):
            return "customer-managed", new_key_ref(resource, self.settings.key_strategy)
        if target == "encrypted" and resource.service == "s3":
            return "sse-s3", None
        if target == "encrypted" and no_aws_managed_key:
            return "aws-owned", None
        return "aws-managed", aws_managed_key_ref(resource, self.aliases)

    def choose(self, resource: Resource, target: str) -> tuple[str, str, str | None, bool]:
        """(action, state after, key after, at risk)."""
        state, key_now = resource.encryption, resource.kms_key_arn
        key = self.keys_by_arn.get(key_now) if key_now else None
        if state == "unknown":
            return "investigate", "unknown", key_now, False
        if key is not None and key.state in AT_RISK_STATES:
            return "restore-key", state, key_now, True
        if (resource.details or {}).get("key_in_catalogue") is False:
            # The scan read the key's catalogue and the key is not in it: deleted.
            return "key-deleted", state, key_now, True
        cluster_id = (resource.details or {}).get("cluster_id")
        if resource.resource_type == "db-instance" and cluster_id:
            cluster = self.cluster_plans.get((resource.account, resource.region, cluster_id))
            if cluster is not None and cluster.action not in ("keep", "investigate"):
                return "covered-by-cluster", cluster.state_after, cluster.key_after, False
        if meets(state, target):
            return "keep", state, key_now if state in KMS_STATES else None, False
        if resource.resource_type in ("db-snapshot", "db-cluster-snapshot") and (
                (resource.details or {}).get("snapshot_type") == "automated"):
            return "expires-with-source", state, key_now, False
        state_after, key_after = self.target_state_and_key(resource, target)
        action = REMEDIATION[resource.resource_type]
        if resource.resource_type in stores.REMEDIATION:
            action = stores.action_for(resource.resource_type, state)
        if action == "s3-set-default-sse-kms" and state_after == "sse-s3":
            action = "s3-set-default-sse-s3"
        return action, state_after, key_after, False

    def plan(self, resource: Resource) -> ResourcePlan:
        target = self.settings.target_for(resource.service)
        action, state_after, key_after, at_risk = self.choose(resource, target)
        figures: dict[str, int] = {}
        sources: dict[str, str] = {}
        base = traffic(resource, self.usage, figures, sources)
        bucket_key_now = bool(resource.bucket_key_enabled) if resource.service == "s3" else None
        bucket_key_after = bucket_key_now
        if action == "s3-set-default-sse-kms":
            bucket_key_after = self.settings.bucket_keys
        now = monthly_requests(base, resource.encryption in KMS_STATES, bucket_key_now,
                               self.reduction)
        after = monthly_requests(base, state_after in KMS_STATES, bucket_key_after,
                                 self.reduction)
        one_time = self.one_time(resource, action, bucket_key_after, figures, sources)
        plan = ResourcePlan(
            resource=resource, target=target, action=action, state_after=state_after,
            key_now=resource.kms_key_arn if resource.encryption in KMS_STATES else None,
            key_after=key_after if state_after in KMS_STATES else None,
            bucket_key_after=bucket_key_after, at_risk=at_risk, requests_now=now,
            requests_after=after, one_time=one_time, sources=self._share(sources),
            figures=figures,
        )
        if resource.resource_type == "db-cluster":
            self.cluster_plans[(resource.account, resource.region, resource.resource_id)] = plan
        return plan

    def one_time(self, resource, action, bucket_key_after, figures, sources) -> list:
        lines = []
        if action in remediation.SNAPSHOT_STORAGE:
            lines += remediation.snapshot_lines(self.book, self.usage, action, resource)
            sources["size_gb"] = "inventory" if resource.size_gb is not None else (
                "unknown: no size in the inventory, priced as 0")
        if action == "s3-set-default-sse-kms" and self.settings.reencrypt_objects:
            objects, source = self.object_count(resource)
            figures["object_count"], sources["object_count"] = objects, source
            decrypts = 1 if resource.encryption in KMS_STATES else 0
            generate = (1 - self.reduction) if bucket_key_after else Decimal(1)
            lines += remediation.batch_lines(self.book, objects, decrypts, generate,
                                             resource.region)
        lines += stores.copy_lines(self.book, action, resource)
        return lines + remediation.labour_lines(self.usage, action)

    def object_count(self, resource: Resource) -> tuple[int, str]:
        found = self.usage.quantity(resource, "object_count")
        if found is not None and found[1] != "default":
            return found
        if resource.object_count is not None:
            return int(resource.object_count), "inventory: CloudWatch NumberOfObjects"
        return 0, "unknown: no object count in the inventory, priced as 0"
