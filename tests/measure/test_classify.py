"""The request-class and calling-service rules, table-driven."""

from __future__ import annotations

import pytest

from planner.measure.classify import calling_service, request_class
from planner.measure.counts import monthly
from pricing.costs import REQUEST_CLASSES


@pytest.mark.parametrize(("event", "spec", "pair", "algorithm", "expected"), [
    ("Decrypt", None, None, "SYMMETRIC_DEFAULT", "symmetric"),
    ("GenerateDataKey", None, None, None, "symmetric"),
    ("DescribeKey", "ECC_NIST_P256", None, None, "symmetric"),  # not cryptographic
    ("CreateGrant", "RSA_4096", None, None, "symmetric"),
    ("Decrypt", None, None, "RSAES_OAEP_SHA_256", "asymmetric"),  # size unknown: dearer class
    ("Decrypt", "RSA_2048", None, "RSAES_OAEP_SHA_256", "asymmetric_rsa2048"),
    ("Encrypt", "RSA_3072", None, "RSAES_OAEP_SHA_1", "asymmetric"),
    ("Sign", None, None, "ECDSA_SHA_256", "asymmetric"),
    ("Verify", "RSA_2048", None, "RSASSA_PSS_SHA_256", "asymmetric_rsa2048"),
    ("GetPublicKey", "ECC_SECG_P256K1", None, None, "asymmetric"),
    ("DeriveSharedSecret", None, None, None, "asymmetric"),
    ("GenerateDataKeyPair", None, "RSA_4096", None, "gdkp_rsa"),
    # No keyPairSpec recorded: priced as the dearer RSA class, never low.
    ("GenerateDataKeyPair", None, None, None, "gdkp_rsa"),
    ("GenerateDataKeyPairWithoutPlaintext", "SYMMETRIC_DEFAULT", "ECC_NIST_P384", None,
     "gdkp_ecc"),
    ("GenerateMac", None, None, "HMAC_SHA_256", "hmac"),
    ("VerifyMac", "HMAC_512", None, None, "hmac"),
    ("Encrypt", "SYMMETRIC_DEFAULT", None, None, "symmetric"),
])
def test_request_class(event, spec, pair, algorithm, expected):
    assert expected in REQUEST_CLASSES
    assert request_class(event, spec, pair, algorithm) == expected


@pytest.mark.parametrize(("hosts", "context", "expected"), [
    ("s3.amazonaws.com s3.amazonaws.com s3.amazonaws.com", None, "s3"),
    ("ec2.amazonaws.com AWS Internal", None, "ebs"),
    ("None rds.amazonaws.com rds.amazonaws.com", None, "rds"),
    ("dynamodb.amazonaws.com", None, "dynamodb"),
    ("None AWS Internal AWS Internal", {"aws:ebs:id": "vol-0123"}, "ebs"),
    ("None 192.0.2.0 aws-cli/2.13.5", {"aws:s3:arn": "arn:aws:s3:::b/k"}, "s3"),
    ("None 192.0.2.0 aws-cli/2.13.5", {"purpose": "app"}, "other"),
    # The services the scan knows beyond the first four, by principal (invokedBy,
    # sourceIPAddress, userAgent of an AWSService identity) ...
    ("sqs.amazonaws.com sqs.amazonaws.com sqs.amazonaws.com", None, "sqs"),
    ("sns.amazonaws.com", None, "sns"),
    ("kinesis.amazonaws.com", None, "kinesis"),
    ("secretsmanager.amazonaws.com", None, "secretsmanager"),
    ("None logs.eu-west-1.amazonaws.com logs.eu-west-1.amazonaws.com", None, "logs"),
    ("logs.amazonaws.com", None, "logs"),
    ("ecr.amazonaws.com", None, "ecr"),
    ("lambda.amazonaws.com", None, "lambda"),
    ("elasticfilesystem.amazonaws.com", None, "efs"),
    ("fsx.amazonaws.com", None, "fsx"),
    ("redshift.amazonaws.com", None, "redshift"),
    ("redshift-serverless.amazonaws.com", None, "redshift"),
    ("elasticache.amazonaws.com", None, "elasticache"),
    ("memorydb.amazonaws.com", None, "memorydb"),
    ("es.amazonaws.com", None, "opensearch"),
    ("opensearchservice.amazonaws.com", None, "opensearch"),
    ("backup.amazonaws.com", None, "backup"),
    ("[sqs.amazonaws.com]", None, "sqs"),  # bracketed as some user agents are
    ("sqs.amazonaws.com.cn", None, "sqs"),  # the China partition's principal
    ("s3.amazonaws.com.cn", None, "s3"),
    # ... DocumentDB and Neptune sign as RDS ...
    ("rds.amazonaws.com", {"aws:rds:db-id": "db-ABCDEFGHIJKL"}, "rds"),
    # ... or by the encryption context the service sets, when no principal is named.
    ("None AWS Internal AWS Internal", {"aws:sqs:arn": "arn:aws:sqs:us-east-1:1:q"}, "sqs"),
    ("None AWS Internal AWS Internal", {"aws:sns:topicArn": "arn:aws:sns:us-east-1:1:t"},
     "sns"),
    ("None AWS Internal AWS Internal", {"aws:kinesis:arn": "arn:aws:kinesis:..."}, "kinesis"),
    ("None 192.0.2.0 aws-sdk", {"SecretARN": "arn:aws:secretsmanager:...",
                                "SecretVersionId": "v1"}, "secretsmanager"),
    ("None AWS Internal AWS Internal", {"aws:logs:arn": "arn:aws:logs:..."}, "logs"),
    ("None AWS Internal AWS Internal", {"aws:lambda:FunctionArn": "arn:aws:lambda:..."},
     "lambda"),
    ("None AWS Internal AWS Internal", {"aws:elasticfilesystem:filesystem:id": "fs-1"}, "efs"),
    # Whole host names only: these are other services, not OpenSearch, S3 or CloudWatch Logs.
    ("ses.amazonaws.com", None, "other"),
    ("pipes.amazonaws.com", None, "other"),
    ("workspaces.amazonaws.com", None, "other"),
    ("delivery.logs.amazonaws.com", None, "other"),
    ("notsqs.amazonaws.com.example.com", None, "other"),
])
def test_calling_service(hosts, context, expected):
    assert calling_service(hosts, context) == expected


@pytest.mark.parametrize(("count", "days", "expected"), [
    (1_000, 31, 981),  # 1000 x 30.4 / 31 = 980.6
    (100, 30.4, 100),
    (5, 2, 76),  # 76.0
    (1, 2, 15),  # 15.2
    (3, 2, 46),  # 45.6
    (1, 8, 4),  # 3.8
    (5, 8, 19),  # 19.0
    (0, 3, 0),
])
def test_monthly_scaling(count, days, expected):
    from decimal import Decimal

    assert monthly(count, Decimal(str(days))) == expected


def test_a_window_of_no_days_cannot_be_scaled():
    with pytest.raises(ValueError):
        monthly(1, 0)
