"""Lambda: environment variables under aws/lambda or a customer key; functions with none."""

from __future__ import annotations

import io
import zipfile

from tests.scan.conftest import assert_listing_refused, by_id


def _code() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("f.py", "def handler(event, context):\n    return 1\n")
    return buffer.getvalue()


def _seed(aws_client):
    key = aws_client("kms").create_key()["KeyMetadata"]
    role = aws_client("iam").create_role(RoleName="fn", AssumeRolePolicyDocument="{}")
    functions = aws_client("lambda")
    common = {"Runtime": "python3.12", "Role": role["Role"]["Arn"], "Handler": "f.handler",
              "Code": {"ZipFile": _code()}}
    functions.create_function(FunctionName="default", Environment={"Variables": {"A": "1"}},
                              **common)
    functions.create_function(FunctionName="customer", KMSKeyArn=key["Arn"],
                              Environment={"Variables": {"A": "1", "B": "2"}}, **common)
    functions.create_function(FunctionName="no-variables", **common)
    return key


def test_each_key_type_and_functions_without_variables_left_out(aws_client, scan_estate):
    key = _seed(aws_client)
    found = by_id(scan_estate(services=["lambda"]).inventory)
    assert set(found) == {"default", "customer"}
    assert found["default"].encryption == "aws-managed"
    assert (found["customer"].encryption, found["customer"].kms_key_arn) == (
        "customer-managed", key["Arn"])
    assert found["customer"].details["environment_variables"] == 2


def test_a_refused_listing_is_recorded(aws_client, scan_estate):
    _seed(aws_client)
    assert_listing_refused(scan_estate, "lambda", "ListFunctions")
