"""Decide each resource's action, its key after the plan, its request volumes and one-time cost."""

from __future__ import annotations

from decimal import Decimal

from planner.coverage import meets
from planner.inventory import KEY_UNKNOWN, Key, Resource
from planner.plan import remediation, stores
from planner.plan.model import PlanSettings, ResourcePlan
from planner.plan.requests import KMS_STATES, monthly_requests, traffic
from planner.plan.strategy import (
    AWS_MANAGED_ALIAS,
    NEW_KEY_PREFIX,
    SERVICE_KEY_STATE,
    WHERE_NEEDED,
    aws_managed_key_ref,
    new_key_ref,
)
from planner.usage import Usage
from pricing import PriceBook

AT_RISK_STATES = frozenset({"Disabled", "PendingDeletion", "PendingReplicaDeletion",
                            "Unavailable"})
DSSE = "aws:kms:dsse"
S3_KMS_ACTIONS = frozenset({"s3-set-default-sse-kms", "s3-set-default-dsse-kms"})
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
REMEDIATION |= {
    "queue": "sqs-set-kms-key",
    "topic": "sns-set-kms-key",
    "stream": "kinesis-start-encryption",
    "secret": "secretsmanager-update-key",
    "log-group": "logs-associate-key",
    "repository": "ecr-recreate-repository",
    "function": "lambda-set-kms-key",
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
        # (account, region) -> customer managed keys resources get there after the plan:
        # new ones proposed, and existing ones volumes stay on (first seen first).
        self.new_keys: dict[tuple[str, str], dict[str, None]] = {}
        self.volume_keys: dict[tuple[str, str], dict[str, None]] = {}

    def _share(self, mapping: dict) -> dict:
        """One dict for each distinct provenance mapping: most resources share defaults."""
        return self._shared_sources.setdefault(tuple(mapping.items()), mapping)

    def target_state_and_key(self, resource: Resource, target: str) -> tuple[str, str | None]:
        if target == "customer-managed" and resource.resource_type == "account-setting":
            return self.default_encryption_key(resource)
        if target == "customer-managed":
            return "customer-managed", new_key_ref(resource, self.settings.key_strategy)
        if target == "encrypted" and resource.service == "s3":
            return "sse-s3", None
        if target == "encrypted" and resource.service in SERVICE_KEY_STATE:
            return SERVICE_KEY_STATE[resource.service], None
        if target == "encrypted" and resource.service in stores.NO_AWS_MANAGED_KEY:
            return "aws-owned", None  # the service's own key (ElastiCache, MemoryDB)
        if resource.service not in AWS_MANAGED_ALIAS:  # no AWS managed key: a new key
            return "customer-managed", new_key_ref(resource, self.settings.key_strategy)
        return "aws-managed", aws_managed_key_ref(resource, self.aliases)

    def default_encryption_key(self, resource: Resource) -> tuple[str, str | None]:
        """EBS encryption by default: a customer managed key only where one is needed anyway
        (the key the region already gets), else aws/ebs, which is free."""
        strategy = self.settings.key_strategy
        if self.settings.ebs_default_key != WHERE_NEEDED:
            return "customer-managed", new_key_ref(resource, strategy)
        place = (resource.account, resource.region)
        proposed = self.new_keys.get(place, {})
        preferred = new_key_ref(resource, strategy)
        if preferred in proposed:
            return "customer-managed", preferred
        already = next(iter((*proposed, *self.volume_keys.get(place, {}))), None)
        if already is not None:
            return "customer-managed", already
        return "aws-managed", aws_managed_key_ref(resource, self.aliases)

    def note_key(self, resource: Resource, plan: ResourcePlan) -> None:
        if plan.state_after != "customer-managed" or not plan.key_after:
            return
        place = (resource.account, resource.region)
        if plan.key_after.startswith(NEW_KEY_PREFIX):
            self.new_keys.setdefault(place, {})[plan.key_after] = None
        elif resource.resource_type == "volume" and not plan.at_risk:
            self.volume_keys.setdefault(place, {})[plan.key_after] = None

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
        if resource.resource_type == "account-setting" and state_after == state:
            return "keep", state, key_now, False  # on aws/ebs where no key is needed
        action = REMEDIATION[resource.resource_type]
        if resource.resource_type in stores.REMEDIATION:
            action = stores.action_for(resource.resource_type, state)
        if action == "s3-set-default-sse-kms" and state_after == "sse-s3":
            action = "s3-set-default-sse-s3"
        elif action == "s3-set-default-sse-kms" and resource.algorithm == DSSE:
            # Keep dual-layer encryption: moving to single-layer SSE-KMS is not the plan's call.
            action = "s3-set-default-dsse-kms"
        if action == "sqs-set-kms-key" and state_after == "aws-owned":
            action = "sqs-enable-sse-sqs"
        return action, state_after, key_after, False

    def plan(self, resource: Resource) -> ResourcePlan:
        target = self.settings.target_for(resource.service)
        action, state_after, key_after, at_risk = self.choose(resource, target)
        figures: dict[str, int] = {}
        sources: dict[str, str] = {}
        base = traffic(resource, self.usage, figures, sources)
        if (resource.resource_type == "account-setting" and target == "customer-managed"
                and state_after == "aws-managed"):
            sources["default_key"] = ("aws/ebs (free): no resource in this account and region "
                                      "needs a customer managed key")
        if resource.encryption == KEY_UNKNOWN and base:
            sources["kms_requests_now"] = "not priced: the scan could not name the KMS key"
        bucket_key_now = None
        if resource.service == "s3":
            # S3 Bucket Keys do not apply to DSSE-KMS: every request calls KMS, setting or not.
            bucket_key_now = bool(resource.bucket_key_enabled) and resource.algorithm != DSSE
        bucket_key_after = bucket_key_now
        if action == "s3-set-default-sse-kms":
            bucket_key_after = self.settings.bucket_keys
        elif action == "s3-set-default-dsse-kms":
            bucket_key_after = False
        # Requests to a disabled, pending-deletion or deleted key fail: KMS does not bill them.
        now = monthly_requests(base, resource.encryption in KMS_STATES and not at_risk,
                               bucket_key_now, self.reduction)
        after = monthly_requests(base, state_after in KMS_STATES, bucket_key_after,
                                 self.reduction)
        one_time = self.one_time(resource, action, bucket_key_after, figures, sources)
        plan = ResourcePlan(
            resource=resource, target=target, action=action, state_after=state_after,
            key_now=resource.kms_key_arn if resource.encryption in KMS_STATES else None,
            key_after=key_after if state_after in KMS_STATES else None,
            bucket_key_after=bucket_key_after, at_risk=at_risk, requests_now=now,
            requests_after=after, one_time=one_time, sources=self._share(sources),
            figures=figures, bucket_key_now=bucket_key_now,
        )
        self.note_key(resource, plan)
        if resource.resource_type == "db-cluster":
            self.cluster_plans[(resource.account, resource.region, resource.resource_id)] = plan
        return plan

    def one_time(self, resource, action, bucket_key_after, figures, sources) -> list:
        lines = []
        if action in remediation.SNAPSHOT_STORAGE:
            lines += remediation.snapshot_lines(self.book, self.usage, action, resource)
            lines += remediation.cutover_lines(self.book, self.usage, action, resource)
            scanned = (resource.details or {}).get("size_source")
            if resource.size_gb is not None:
                sources["size_gb"] = f"inventory: {scanned}" if scanned else "inventory"
            else:
                why = scanned or "unknown: no size in the inventory"
                sources["size_gb"] = f"{why}, priced as 0"
        if action in S3_KMS_ACTIONS and self.settings.reencrypt_objects:
            objects, source = self.object_count(resource)
            figures["object_count"], sources["object_count"] = objects, source
            decrypts = 1 if resource.encryption in KMS_STATES else 0
            generate = (1 - self.reduction) if bucket_key_after else Decimal(1)
            lines += remediation.batch_lines(self.book, objects, decrypts, generate,
                                             resource.region)
            lines += remediation.dsse_lines(self.book, resource)
            lines += remediation.noncurrent_lines(self.book, self.usage, resource)
        lines += stores.copy_lines(self.book, action, resource)
        return lines + remediation.labour_lines(self.usage, action)

    def object_count(self, resource: Resource) -> tuple[int, str]:
        scanned = None
        if resource.object_count is not None:
            scanned = (int(resource.object_count), "inventory: CloudWatch NumberOfObjects")
        found = self.usage.quantity(resource, "object_count", scanned)
        if found is not None:
            return found
        return 0, "unknown: no object count in the inventory, priced as 0"
