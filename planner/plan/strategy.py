"""Target policy and key strategy: which key a resource ends up on."""

from __future__ import annotations

from pathlib import Path

from planner.coverage import TARGETS
from planner.errors import InputError
from planner.inventory import SERVICES, Resource
from planner.plan import stores
from planner.yamlfile import read_yaml

STRATEGIES = ("account-region", "service", "resource")
NEW_KEY_PREFIX = "kmsplan:new"
AWS_MANAGED_PREFIX = "kmsplan:aws-managed"
# EBS encryption by default: "where-needed" sets the key the region already gets (a new key
# some resource needs, or the customer managed key its volumes use), else aws/ebs (free);
# "customer-managed" proposes a key for every region whose setting is below target.
WHERE_NEEDED = "where-needed"
EBS_DEFAULT_KEYS = (WHERE_NEEDED, "customer-managed")
AWS_MANAGED_ALIAS = {"s3": "aws/s3", "ebs": "aws/ebs", "rds": "aws/rds", "dynamodb": "aws/dynamodb"}
AWS_MANAGED_ALIAS |= {"sqs": "aws/sqs", "sns": "aws/sns", "kinesis": "aws/kinesis",
                      "secretsmanager": "aws/secretsmanager", "ecr": "aws/ecr",
                      "lambda": "aws/lambda"}  # CloudWatch Logs has no AWS managed key
# Services whose own free encryption (not KMS) meets the target "encrypted": SSE-SQS.
SERVICE_KEY_STATE = {"sqs": "aws-owned"}
AWS_MANAGED_ALIAS.update(stores.AWS_MANAGED_ALIAS)


def check_target(target: str, where: str = "--target") -> str:
    if not isinstance(target, str) or target not in TARGETS:
        raise InputError(f"{where}: unknown target {target!r}; use one of {', '.join(TARGETS)}")
    return target


def check_strategy(strategy: str, where: str = "--key-strategy") -> str:
    if not isinstance(strategy, str):
        raise InputError(f"{where}: must be text, got {strategy!r}")
    if strategy in STRATEGIES:
        return strategy
    if strategy.startswith("tag:") and len(strategy) > 4:
        return strategy
    raise InputError(
        f"{where}: unknown key strategy {strategy!r}; use one of "
        f"{', '.join(STRATEGIES)} or tag:KEY"
    )


def load_policy(path: str | Path) -> tuple[str | None, dict[str, str], str]:
    """A policy file: `target:` for all, `services: {s3: encrypted, ...}` per service, and
    `ebs_default_key:` (EBS_DEFAULT_KEYS) for the regions' EBS encryption by default."""
    data = read_yaml(path, "policy file")
    if data is None:  # an empty file sets nothing: a slip, not a policy
        raise InputError(f"{path}: the policy file is empty; give 'target' or 'services'")
    if not isinstance(data, dict) or set(data) - {"target", "services", "ebs_default_key"}:
        raise InputError(f"{path}: a policy has only 'target', 'services' and "
                         "'ebs_default_key'")
    ebs_default_key = data.get("ebs_default_key", WHERE_NEEDED)
    if ebs_default_key not in EBS_DEFAULT_KEYS:
        raise InputError(f"{path}: ebs_default_key: use one of {', '.join(EBS_DEFAULT_KEYS)}")
    target = data.get("target")
    if target is not None:
        check_target(target, f"{path}: target")
    services = data.get("services") or {}
    if not isinstance(services, dict):
        raise InputError(f"{path}: services: must map a service to a target")
    for service, service_target in services.items():
        if service not in SERVICES:
            raise InputError(f"{path}: services.{service}: unknown service")
        check_target(service_target, f"{path}: services.{service}")
    return target, dict(services), ebs_default_key


def new_key_label(resource: Resource, strategy: str) -> str:
    """The proposed key's label under `strategy` (keys are regional, so always per region)."""
    if strategy == "account-region":
        return "data"
    if strategy == "service":
        return resource.service
    if strategy == "resource":
        return f"{resource.service}/{resource.resource_id}"
    tag = strategy[4:]
    value = resource.tags.get(tag) if resource.tags else None
    return f"{tag}/{value}" if value else f"{tag}/untagged"


def new_key_ref(resource: Resource, strategy: str) -> str:
    label = new_key_label(resource, strategy)
    return f"{NEW_KEY_PREFIX}:{resource.account}:{resource.region}:{label}"


def aws_managed_key_ref(resource: Resource, catalogue_aliases: dict) -> str:
    """The service's AWS managed key: its ARN when the scan saw it, else a stand-in ref."""
    alias = AWS_MANAGED_ALIAS[resource.service]
    arn = catalogue_aliases.get((resource.account, resource.region, f"alias/{alias}"))
    return arn or f"{AWS_MANAGED_PREFIX}:{resource.account}:{resource.region}:{alias}"


def parse_ref(ref: str) -> tuple[str, str, str]:
    """(account, region, label) of a proposed or stand-in key ref."""
    _, _, account, region, label = ref.split(":", 4)
    return account, region, label
