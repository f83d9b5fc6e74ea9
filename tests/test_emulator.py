import boto3


def test_emulator_serves_aws_apis_over_http(aws_client):
    s3 = aws_client("s3")
    s3.create_bucket(Bucket="emulator-check")
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert names == ["emulator-check"]


def test_reset_empties_the_emulator(fresh_aws):
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=fresh_aws)
    assert s3.list_buckets()["Buckets"] == []
