"""OpenSearch Service: domains (OpenSearch and legacy Elasticsearch engines).

ListDomainNames answers every domain at once (the API has no pages); DescribeDomains reads
up to five a call. EncryptionAtRestOptions says Enabled and KmsKeyId (the aws/es key when
the creator gave none). Domains from OpenSearch 1.x / Elasticsearch 6.7 on can turn
encryption on in place; the key itself never changes: a new domain and a snapshot restore.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import CALL_ERRORS, Scope, Step, Task, scan_error
from planner.scan.listing import at_rest, new_resource

SERVICE = "opensearch"
OPERATIONS = {"opensearch": ("ListDomainNames", "DescribeDomains")}
BATCH = 5  # DescribeDomains takes at most five names


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "ListDomainNames", list_domains)]


def list_domains(scope: Scope) -> Step:
    names = [d["DomainName"] for d in
             scope.client("opensearch").list_domain_names().get("DomainNames", [])]
    batches = [names[i:i + BATCH] for i in range(0, len(names), BATCH)]
    return Step(more=[Task(scope, SERVICE, "DescribeDomains",
                           lambda s, batch=batch: read_domains(s, batch)) for batch in batches])


def _resource(scope: Scope, name: str) -> Resource:
    arn = f"arn:{scope.partition}:es:{scope.region}:{scope.account}:domain/{name}"
    return new_resource(scope, SERVICE, "opensearch-domain", name, arn)


def read_domains(scope: Scope, names: list[str]) -> Step:
    resources = {name: _resource(scope, name) for name in names}
    step = Step(found=list(resources.values()))
    try:
        answer = scope.client("opensearch").describe_domains(DomainNames=names)
    except CALL_ERRORS as exc:  # one error for the call; each domain in it stays unknown
        error = scan_error(scope, SERVICE, "DescribeDomains", exc)
        step.errors.append(error)
        for resource in resources.values():
            resource.error = f"{error.code}: {error.message}"
        return step
    for domain in answer.get("DomainStatusList", []):
        resource = resources.pop(domain["DomainName"], None)
        if resource is None:
            continue
        cluster = domain.get("ClusterConfig") or {}
        ebs = domain.get("EBSOptions") or {}
        resource.arn = domain.get("ARN") or resource.arn
        if ebs.get("EBSEnabled") and ebs.get("VolumeSize"):
            resource.size_gb = float(ebs["VolumeSize"]) * (cluster.get("InstanceCount") or 1)
        resource.details = {"engine_version": domain.get("EngineVersion"),
                            "instances": cluster.get("InstanceCount")}
        rest = domain.get("EncryptionAtRestOptions") or {}
        at_rest(resource, bool(rest.get("Enabled")), rest.get("KmsKeyId"))
    for resource in resources.values():  # asked for, not answered (deleted meanwhile?)
        resource.error = "DomainNotDescribed: DescribeDomains did not answer this domain"
    return step
