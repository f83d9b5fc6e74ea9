"""S3 buckets: each encryption state, the key given as an alias, regions, metrics, failures."""

from __future__ import annotations

from botocore.stub import Stubber

from planner.scan import s3
from tests.scan.conftest import HOME, StubClients, by_id, raw_client, refuse, stub_scope


def _encrypt(client, bucket, algorithm, key=None, bucket_key=False):
    default = {"SSEAlgorithm": algorithm}
    if key:
        default["KMSMasterKeyID"] = key
    client.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": default,
                   "BucketKeyEnabled": bucket_key}]})


def test_bucket_without_a_rule_in_the_emulator_is_none(aws_client, scan_estate):
    aws_client("s3").create_bucket(Bucket="no-rule")
    bucket = by_id(scan_estate().inventory)["no-rule"]
    assert (bucket.encryption, bucket.algorithm, bucket.error) == ("none", None, None)
    # (archive_gb too, 0.0, when the emulator publishes the bucket's storage metrics)
    assert {k: bucket.details[k] for k in ("bucket_region", "versioning")} == {
        "bucket_region": HOME, "versioning": "Disabled"}


def test_sse_s3_bucket(aws_client, scan_estate):
    client = aws_client("s3")
    client.create_bucket(Bucket="aes")
    _encrypt(client, "aes", "AES256")
    bucket = by_id(scan_estate().inventory)["aes"]
    assert (bucket.encryption, bucket.algorithm, bucket.kms_key_arn) == ("sse-s3", "AES256", None)
    assert bucket.bucket_key_enabled is False


def test_kms_rule_without_a_key_is_the_aws_managed_key(aws_client, scan_estate):
    client = aws_client("s3")
    client.create_bucket(Bucket="aws-key")
    _encrypt(client, "aws-key", "aws:kms")
    bucket = by_id(scan_estate().inventory)["aws-key"]
    assert (bucket.encryption, bucket.algorithm) == ("aws-managed", "aws:kms")


def test_customer_key_given_as_an_alias_resolves_to_the_key_arn(aws_client, scan_estate):
    kms = aws_client("kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/billing", TargetKeyId=key["KeyId"])
    client = aws_client("s3")
    for name, ref in (("by-alias", "alias/billing"),
                      ("by-alias-arn", f"arn:aws:kms:{HOME}:123456789012:alias/billing"),
                      ("by-id", key["KeyId"]), ("by-arn", key["Arn"])):
        client.create_bucket(Bucket=name)
        _encrypt(client, name, "aws:kms", ref, bucket_key=True)
    found = by_id(scan_estate().inventory)
    for name in ("by-alias", "by-alias-arn", "by-id", "by-arn"):
        assert found[name].encryption == "customer-managed", name
        assert found[name].kms_key_arn == key["Arn"], name
        assert found[name].bucket_key_enabled is True


def test_dsse_kms_bucket_keeps_its_algorithm(aws_client, scan_estate):
    key = aws_client("kms").create_key()["KeyMetadata"]
    client = aws_client("s3")
    client.create_bucket(Bucket="dsse")
    _encrypt(client, "dsse", "aws:kms:dsse", key["Arn"])
    bucket = by_id(scan_estate().inventory)["dsse"]
    assert (bucket.encryption, bucket.algorithm) == ("customer-managed", "aws:kms:dsse")


def test_key_in_another_account_stays_its_arn_and_is_customer_managed(aws_client, scan_estate):
    foreign = f"arn:aws:kms:{HOME}:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    client = aws_client("s3")
    client.create_bucket(Bucket="shared-key")
    _encrypt(client, "shared-key", "aws:kms", foreign)
    bucket = by_id(scan_estate().inventory)["shared-key"]
    assert (bucket.encryption, bucket.kms_key_arn) == ("customer-managed", foreign)


def test_access_denied_leaves_the_bucket_unknown_and_the_scan_goes_on(aws_client, scan_estate):
    client = aws_client("s3")
    client.create_bucket(Bucket="locked")
    outcome = scan_estate(client_hook=refuse("GetBucketEncryption"))
    bucket = by_id(outcome.inventory)["locked"]
    assert bucket.encryption == "unknown"
    assert bucket.error == "AccessDenied: refused by the test"
    [error] = outcome.inventory.errors
    assert (error.service, error.operation, error.code) == ("s3", "GetBucketEncryption",
                                                            "AccessDenied")
    assert not outcome.nothing_read


def test_each_bucket_is_scanned_once_in_its_own_region(aws_client, scan_estate):
    aws_client("s3").create_bucket(Bucket="home-bucket")
    aws_client("s3", "eu-west-1").create_bucket(
        Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    aws_client("s3", "ap-south-1").create_bucket(
        Bucket="elsewhere", CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
    inventory = scan_estate(regions=[HOME, "eu-west-1"]).inventory
    buckets = sorted((r.resource_id, r.region) for r in inventory.resources)
    # ap-south-1 is outside the scan; the other two appear once each, in their own region.
    assert buckets == [("eu-bucket", "eu-west-1"), ("home-bucket", HOME)]


def test_bucket_size_and_objects_come_from_the_storage_metrics(aws_client, scan_estate):
    """The emulator publishes the daily storage metrics from the objects a bucket holds."""
    client = aws_client("s3")
    client.create_bucket(Bucket="measured")
    client.put_object(Bucket="measured", Key="a", Body=b"x" * 1000)
    client.put_object(Bucket="measured", Key="b", Body=b"x" * 500)
    bucket = by_id(scan_estate().inventory)["measured"]
    assert bucket.object_count == 2
    # moto's BucketSizeBytes is not the bytes stored (it reports a fixed 128 here), so only
    # its presence is checked; the arithmetic is checked on AWS-shaped answers below.
    assert bucket.size_gb is not None


def test_storage_metrics_sum_the_storage_classes_and_absent_ones_stay_null():
    cloudwatch = raw_client("cloudwatch")

    def metric(name, bucket, storage):
        return {"Namespace": "AWS/S3", "MetricName": name, "Dimensions": [
            {"Name": "BucketName", "Value": bucket}, {"Name": "StorageType", "Value": storage}]}

    sizes = [metric("BucketSizeBytes", "logs", "StandardStorage"),
             metric("BucketSizeBytes", "logs", "GlacierStorage")]
    with Stubber(cloudwatch) as stub:
        stub.add_response("list_metrics", {"Metrics": sizes[:1], "NextToken": "page2"})
        stub.add_response("list_metrics", {"Metrics": sizes[1:]})
        stub.add_response("list_metrics", {"Metrics": []})  # NumberOfObjects: none published
        stub.add_response("get_metric_data", {"MetricDataResults": [
            {"Id": "m0", "Values": [2e9, 1.9e9], "StatusCode": "Complete"},
            {"Id": "m1", "Values": [0.5e9], "StatusCode": "Complete"}]})
        step = s3.read_metrics(stub_scope(StubClients(cloudwatch=cloudwatch)))
        stub.assert_no_pending_responses()
    [figures] = step.found
    # The newest value of each storage class: 2.0e9 + 0.5e9 bytes, of which 0.5e9 archived.
    assert (figures.bucket, figures.size_bytes, figures.objects) == ("logs", 2.5e9, None)
    assert figures.archive_bytes == 0.5e9


def test_tags_are_read_in_batches(aws_client, scan_estate):
    client = aws_client("s3")
    client.create_bucket(Bucket="tagged")
    client.put_bucket_tagging(Bucket="tagged", Tagging={"TagSet": [
        {"Key": "team", "Value": "data"}]})
    assert by_id(scan_estate().inventory)["tagged"].tags == {"team": "data"}


def test_bucket_region_names():
    assert s3.bucket_region(None) == "us-east-1"
    assert s3.bucket_region("") == "us-east-1"
    assert s3.bucket_region("EU") == "eu-west-1"
    assert s3.bucket_region("ap-south-1") == "ap-south-1"


def test_real_aws_answers_aes256_for_a_bucket_without_an_explicit_rule():
    """Since January 2023 AWS reports SSE-S3 for every bucket (shape from the API reference)."""
    client = raw_client("s3")
    with Stubber(client) as stub:
        stub.add_response("get_bucket_location", {"LocationConstraint": "EU"},
                          {"Bucket": "legacy"})
        stub.add_response("get_bucket_encryption", {"ServerSideEncryptionConfiguration": {
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                       "BucketKeyEnabled": False}]}}, {"Bucket": "legacy"})
        stub.add_response("get_bucket_versioning", {}, {"Bucket": "legacy"})
        step = s3.read_bucket(stub_scope(StubClients(s3=client), regions=("eu-west-1",)),
                              "legacy", None)
        stub.assert_no_pending_responses()
    [bucket] = step.found
    assert (bucket.region, bucket.encryption, bucket.algorithm) == ("eu-west-1", "sse-s3", "AES256")
    assert bucket.details["versioning"] == "Disabled"  # never enabled: AWS gives no Status
    assert step.errors == []


def test_only_the_no_rule_code_means_none():
    client = raw_client("s3")
    with Stubber(client) as stub:
        stub.add_client_error("get_bucket_encryption", "InternalError", "We encountered an error")
        stub.add_response("get_bucket_versioning", {"Status": "Enabled"})
        step = s3.read_bucket(stub_scope(StubClients(s3=client)), "flaky", HOME)
    [bucket] = step.found
    assert bucket.encryption == "unknown"
    assert bucket.error == "InternalError: We encountered an error"


def test_bucket_region_from_list_buckets_saves_the_location_call():
    """Newer ListBuckets answers carry BucketRegion; GetBucketLocation is then skipped."""
    client = raw_client("s3")
    with Stubber(client) as stub:
        stub.add_response("list_buckets", {"Buckets": [
            {"Name": "fast", "BucketRegion": HOME}]})
        step = s3.list_buckets(stub_scope(StubClients(s3=client)))
        stub.add_response("get_bucket_encryption", {"ServerSideEncryptionConfiguration": {
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}})
        stub.add_response("get_bucket_versioning", {"Status": "Suspended"})
        [task] = step.more
        result = task.run(task.scope)
        stub.assert_no_pending_responses()
    assert [r.encryption for r in result.found] == ["sse-s3"]


def test_a_rule_the_scanner_does_not_know_is_unknown():
    client = raw_client("s3")
    with Stubber(client) as stub:
        stub.add_response("get_bucket_encryption", {"ServerSideEncryptionConfiguration": {
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:fips"}}]}})
        stub.add_response("get_bucket_versioning", {})
        step = s3.read_bucket(stub_scope(StubClients(s3=client)), "future", HOME)
    [bucket] = step.found
    assert (bucket.encryption, bucket.algorithm) == ("unknown", None)
    assert bucket.error == "UnrecognisedEncryptionRule: SSEAlgorithm 'aws:fips'"


def test_versioning_is_read_into_details(aws_client, scan_estate):
    client = aws_client("s3")
    client.create_bucket(Bucket="kept-versions")
    client.put_bucket_versioning(Bucket="kept-versions",
                                 VersioningConfiguration={"Status": "Enabled"})
    client.create_bucket(Bucket="plain")
    found = {r.name: r for r in scan_estate().inventory.resources if r.service == "s3"}
    assert found["kept-versions"].details["versioning"] == "Enabled"
    assert found["plain"].details["versioning"] == "Disabled"


def test_versioning_denied_is_recorded_and_the_encryption_stands(aws_client, scan_estate):
    client = aws_client("s3")
    client.create_bucket(Bucket="half-open")
    client.put_bucket_encryption(Bucket="half-open", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    outcome = scan_estate(client_hook=refuse("GetBucketVersioning"))
    [bucket] = [r for r in outcome.inventory.resources if r.name == "half-open"]
    assert (bucket.encryption, bucket.details["versioning"]) == ("sse-s3", None)
    [error] = [e for e in outcome.inventory.errors if e.operation == "GetBucketVersioning"]
    assert (error.service, error.code) == ("s3", "AccessDenied")
