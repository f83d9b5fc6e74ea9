"""Lambda: functions' environment variables. Lambda encrypts them at rest under the AWS
managed key aws/lambda unless the function names a customer key (KMSKeyArn).

ListFunctions carries KMSKeyArn and the variables, so the listing alone reads every function
($LATEST). A function with no environment variables and no key keeps nothing under KMS and is
left out.
"""

from __future__ import annotations

from planner.inventory import Resource
from planner.scan.common import KMS_PENDING, Scope, Step, Task, pages

SERVICE = "lambda"
OPERATIONS = {"lambda": ("ListFunctions",)}
AWS_MANAGED_ALIAS = "alias/aws/lambda"


def tasks(scope: Scope) -> list[Task]:
    return [Task(scope, SERVICE, "ListFunctions", list_functions)]


def list_functions(scope: Scope) -> Step:
    found = []
    for function in pages(scope.client("lambda"), "list_functions", "Functions"):
        variables = (function.get("Environment") or {}).get("Variables") or {}
        key = function.get("KMSKeyArn")
        if not variables and not key:
            continue
        name = function["FunctionName"]
        found.append(Resource(
            account=scope.account, region=scope.region, service=SERVICE,
            resource_type="function", resource_id=name, name=name,
            arn=function.get("FunctionArn") or f"arn:{scope.partition}:lambda:{scope.region}:"
                                                f"{scope.account}:function:{name}",
            encryption=KMS_PENDING, kms_key_arn=key or AWS_MANAGED_ALIAS,
            details={"environment_variables": len(variables),
                     "runtime": function.get("Runtime")},
        ))
    return Step(found=found)
