"""Which billed request class and which calling service one KMS request belongs to.

Pure rules shared by the CloudTrail reader and the Athena query, so both count alike.
The class names are pricing.costs.REQUEST_CLASSES.
"""

from __future__ import annotations

import re

# Operations priced by their own SKU whatever the key (pricing page: GenerateDataKeyPair*).
KEY_PAIR_OPERATIONS = frozenset({"GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"})
MAC_OPERATIONS = frozenset({"GenerateMac", "VerifyMac"})
# Operations that only exist for asymmetric keys.
ASYMMETRIC_ONLY = frozenset({"Sign", "Verify", "GetPublicKey", "DeriveSharedSecret"})
# Cryptographic operations whose price follows the key's spec (asymmetric keys cost more).
SPEC_PRICED = ASYMMETRIC_ONLY | {"Encrypt", "Decrypt", "ReEncrypt"}

# Calling service -> (service principals, encryption-context keys that service sets). The
# names are the inventory's services (docs/usage-measure.md lists the sources). A "*" in a
# principal is one DNS label (CloudWatch Logs signs as logs.REGION.amazonaws.com).
# DocumentDB and Neptune call KMS as rds.amazonaws.com: their requests count under "rds".
SERVICE_SIGNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "s3": (("s3.amazonaws.com",), ("aws:s3:arn",)),
    "ebs": (("ec2.amazonaws.com", "ebs.amazonaws.com"), ("aws:ebs:id",)),
    "rds": (("rds.amazonaws.com",), ("aws:rds:db-id",)),
    "dynamodb": (("dynamodb.amazonaws.com",), ("aws:dynamodb:tableName",)),
    "sqs": (("sqs.amazonaws.com",), ("aws:sqs:arn",)),
    "sns": (("sns.amazonaws.com",), ("aws:sns:topicArn",)),
    "kinesis": (("kinesis.amazonaws.com",), ("aws:kinesis:arn",)),
    "secretsmanager": (("secretsmanager.amazonaws.com",), ("SecretARN",)),
    "logs": (("logs.amazonaws.com", "logs.*.amazonaws.com"), ("aws:logs:arn",)),
    "ecr": (("ecr.amazonaws.com",), ()),
    "lambda": (("lambda.amazonaws.com",), ("aws:lambda:FunctionArn",)),
    "efs": (("elasticfilesystem.amazonaws.com",), ("aws:elasticfilesystem:filesystem:id",)),
    "fsx": (("fsx.amazonaws.com",), ()),
    "redshift": (("redshift.amazonaws.com", "redshift-serverless.amazonaws.com"), ()),
    "elasticache": (("elasticache.amazonaws.com",), ()),
    "memorydb": (("memorydb.amazonaws.com",), ()),
    "opensearch": (("es.amazonaws.com", "opensearchservice.amazonaws.com"), ()),
    "backup": (("backup.amazonaws.com",), ()),
}
OTHER_SERVICE = "other"


def principal_pattern(principals: tuple[str, ...]) -> str:
    """A regular expression, the same for Python's re and Athena's regexp_like, that finds
    one of the principals as a whole host name: es.amazonaws.com must not match inside
    ses.amazonaws.com or pipes.amazonaws.com. The China partition's principals end in .cn."""
    names = "|".join(re.escape(p).replace(r"\*", "[a-z0-9-]+") for p in principals)
    return f"(^|[^a-z0-9.-])({names})([.]cn)?($|[^a-z0-9.-])"


HOST_PATTERNS = {service: re.compile(principal_pattern(principals))
                 for service, (principals, _) in SERVICE_SIGNS.items()}


def class_from_spec(key_spec: str | None) -> str | None:
    """The class of a cryptographic request on a key of this KeySpec; None if not known."""
    if not key_spec:
        return None
    if key_spec == "SYMMETRIC_DEFAULT":
        return "symmetric"
    if key_spec.startswith("HMAC_"):
        return "hmac"
    if key_spec == "RSA_2048":
        return "asymmetric_rsa2048"
    return "asymmetric"  # RSA_3072, RSA_4096, ECC_*, SM2, ML_DSA_*


def request_class(
    event_name: str,
    key_spec: str | None = None,
    key_pair_spec: str | None = None,
    algorithm: str | None = None,
) -> str:
    """The billed class of one request.

    `algorithm` is the encryptionAlgorithm or signingAlgorithm CloudTrail records. Without a
    known key spec, an asymmetric request is priced as "asymmetric" (not RSA 2048): the dearer
    class, so an unknown key size errs high, never low.
    """
    if event_name in KEY_PAIR_OPERATIONS:
        # ECC only when the record says so: a missing spec is priced as the dearer RSA.
        return "gdkp_ecc" if (key_pair_spec or "").startswith("ECC") else "gdkp_rsa"
    if event_name in MAC_OPERATIONS:
        return "hmac"
    if event_name in SPEC_PRICED:
        by_spec = class_from_spec(key_spec)
        if by_spec is not None and by_spec != "hmac":
            return by_spec
        if event_name in ASYMMETRIC_ONLY:
            return "asymmetric"
        if algorithm and algorithm != "SYMMETRIC_DEFAULT":
            return "asymmetric"  # RSAES_OAEP_*, SM2PKE: an asymmetric key
    # Everything else (GenerateDataKey*, DescribeKey, CreateGrant, ...) is a standard request.
    return "symmetric"


def calling_service(hosts: str, context_keys: object = None) -> str:
    """A service of SERVICE_SIGNS (s3, ebs, rds, sqs, ...) or other.

    `hosts` joins userIdentity.invokedBy, sourceIPAddress and userAgent: an AWS service that
    calls KMS for you names its service principal there. The encryption context the service
    sets (aws:s3:arn, aws:sqs:arn, SecretARN, ...) decides when the hosts do not.
    """
    for service, pattern in HOST_PATTERNS.items():
        if pattern.search(hosts):
            return service
    if isinstance(context_keys, dict):
        for service, (_, keys) in SERVICE_SIGNS.items():
            if any(key in context_keys for key in keys):
                return service
    return OTHER_SERVICE


def key_account(key_arn: str) -> str | None:
    """The account in a key ARN (arn:partition:kms:region:account:key/id), or None."""
    parts = key_arn.split(":", 5)
    return (parts[4] or None) if len(parts) == 6 else None


def other_accounts_copy(key_arn: str, recipient: object) -> bool:
    """True for the caller's copy of a call on another account's key.

    A cross-account KMS call is logged in the caller's account and in the key owner's (KMS
    developer guide, "Logging AWS KMS API calls with AWS CloudTrail"); an organization trail
    holds both. The copy whose recipientAccountId is not the key ARN's account is the caller's;
    counts.Measurement decides which copy counts.
    """
    owner = key_account(key_arn)
    return isinstance(recipient, str) and bool(recipient) and owner is not None \
        and owner != recipient
