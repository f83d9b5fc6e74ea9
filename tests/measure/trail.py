"""CloudTrail log files for tests, in the record format the CloudTrail and KMS guides document
(the KMS developer guide's Decrypt example: eventSource kms.amazonaws.com, the key in
resources[] as type AWS::KMS::Key and in requestParameters.keyId)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

ACCOUNT = "111122223333"
KEY_A = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_B = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321"
KEY_B_ID = "0987dcba-09fe-87dc-65ba-ab0987654321"

SERVICE_CALLERS = {  # how a record names the AWS service that called KMS for you
    "s3": "s3.amazonaws.com",
    "ebs": "ec2.amazonaws.com",
    "rds": "rds.amazonaws.com",
    "dynamodb": "dynamodb.amazonaws.com",
    "sqs": "sqs.amazonaws.com",
    "logs": "logs.us-east-1.amazonaws.com",
    "opensearch": "es.amazonaws.com",
    "ses": "ses.amazonaws.com",  # not a service the scan knows: "other"
}


def kms_event(
    event_name: str, when: str, key: str | None = KEY_A, *, caller: str | None = None,
    params: dict | None = None, in_resources: bool = True, event_type: str = "AwsApiCall",
) -> dict:
    """One KMS record. `caller` is a key of SERVICE_CALLERS, or None for a user's SDK call."""
    if caller:
        host = SERVICE_CALLERS[caller]
        identity = {"type": "AWSService", "invokedBy": host}
        source_ip, agent = host, host
    else:
        identity = {
            "type": "IAMUser", "principalId": "EX_PRINCIPAL_ID", "accountId": ACCOUNT,
            "arn": f"arn:aws:iam::{ACCOUNT}:user/Alice", "accessKeyId": "EXAMPLE_KEY_ID",
            "userName": "Alice",
        }
        source_ip, agent = "192.0.2.0", "aws-cli/2.13.5 Python/3.11.4 Linux/4.14"
    request = dict(params or {})
    if key is not None and "keyId" not in request:
        request["keyId"] = key
    record = {
        "eventVersion": "1.11", "userIdentity": identity, "eventTime": when,
        "eventSource": "kms.amazonaws.com", "eventName": event_name, "awsRegion": "us-east-1",
        "sourceIPAddress": source_ip, "userAgent": agent,
        "requestParameters": request or None, "responseElements": None,
        "requestID": "12345126-30d5-4b28-98b9-9153da559963",
        "eventID": "abcde202-ba1a-467c-b4ba-f729d45ae521", "readOnly": True,
        "eventType": event_type, "managementEvent": True, "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if key is not None and in_resources:
        record["resources"] = [{"accountId": ACCOUNT, "type": "AWS::KMS::Key", "ARN": key}]
    return record


def other_event(when: str) -> dict:
    """An S3 data event: not KMS, never counted."""
    return {
        "eventVersion": "1.11", "eventTime": when, "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.0",
        "userAgent": "aws-cli/2.13.5", "requestParameters": {"bucketName": "app-logs"},
        "eventType": "AwsApiCall", "recipientAccountId": ACCOUNT,
    }


def log_file(records: list[dict]) -> bytes:
    return gzip.compress(json.dumps({"Records": records}).encode())


def log_name(day: str, n: int) -> str:
    """The key CloudTrail delivers a file under, below the trail's prefix."""
    y, m, d = day.split("-")
    return (f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/{y}/{m}/{d}/"
            f"{ACCOUNT}_CloudTrail_us-east-1_{y}{m}{d}T0000Z_{n:04d}abcd.json.gz")


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    for name, body in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


def sample_trail() -> dict[str, bytes]:
    """Good files for 1 to 10 October 2026: the counts are worked by hand in the tests.

    KEY_A: Decrypt by S3 x3, GenerateDataKey by EBS x1 (1 Oct); Decrypt by a user x2,
    GenerateDataKeyPair RSA x1 and ECC x1 by a user (10 Oct).
    KEY_B: Sign by a user x1, named only in requestParameters (5 Oct).
    Not billed or not attributable: KMS rotating KEY_A itself (AwsServiceEvent), ListKeys.
    Not KMS: two S3 GetObject events.
    """
    first = [kms_event("Decrypt", "2026-10-01T08:00:00Z", caller="s3",
                       params={"encryptionAlgorithm": "SYMMETRIC_DEFAULT"})] * 3
    first.append(kms_event("GenerateDataKey", "2026-10-01T09:30:00Z", caller="ebs",
                           params={"keySpec": "AES_256"}))
    first.append(other_event("2026-09-30T23:59:59Z"))  # outside: not KMS, not in the window
    middle = [
        kms_event("Sign", "2026-10-05T12:00:00Z", KEY_B, in_resources=False,
                  params={"signingAlgorithm": "RSASSA_PSS_SHA_256", "messageType": "RAW"}),
        kms_event("ListKeys", "2026-10-05T12:01:00Z", key=None),
        kms_event("RotateKey", "2026-10-05T13:00:00Z", event_type="AwsServiceEvent"),
    ]
    last = [kms_event("Decrypt", "2026-10-10T17:00:00Z",
                      params={"encryptionAlgorithm": "SYMMETRIC_DEFAULT"})] * 2
    last += [
        kms_event("GenerateDataKeyPair", "2026-10-10T18:00:00Z",
                  params={"keyPairSpec": "RSA_2048"}),
        kms_event("GenerateDataKeyPairWithoutPlaintext", "2026-10-10T18:05:00Z",
                  params={"keyPairSpec": "ECC_NIST_P256"}),
        other_event("2026-10-10T19:00:00Z"),
    ]
    return {
        log_name("2026-10-01", 1): log_file(first),
        log_name("2026-10-05", 2): log_file(middle),
        log_name("2026-10-10", 3): log_file(last),
    }


def bad_files() -> dict[str, bytes]:
    good = log_file([kms_event("Decrypt", "2026-10-03T00:00:00Z")])
    return {
        log_name("2026-10-03", 91): good[: len(good) // 2],  # truncated in transfer
        log_name("2026-10-03", 92): b"this is not gzip",
        log_name("2026-10-03", 93): gzip.compress(b'{"Records": [{"eventSource": "kms.amaz'),
        log_name("2026-10-03", 94): gzip.compress(b'{"eventSource": "kms.amazonaws.com"}'),
        # Digest files live beside the logs and are no log files: skipped, not bad.
        f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/us-east-1/2026/10/03/digest.json.gz":
            gzip.compress(b'{"digestStartTime": "2026-10-03T00:00:00Z"}'),
    }
