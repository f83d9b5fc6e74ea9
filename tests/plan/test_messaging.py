"""Plans for queues, topics, streams, secrets, log groups, repositories and functions, worked
by hand. Prices: key $1.00/month; symmetric requests $0.03 per 10,000 after 20,000 free a
month. A 30-day month has 2,592,000 seconds; a data key every 300 s is 8,640 a month."""

import csv
from decimal import Decimal

import pytest

from planner.errors import InputError
from planner.plan.actions import ACTIONS
from planner.report.summary import write_csv
from tests.factories import key_arn, make_inventory, make_key, make_resource
from tests.plan.helpers import cents, plan_for, write_usage

D = Decimal
SERVICE = {"queue": "sqs", "topic": "sns", "stream": "kinesis", "secret": "secretsmanager",
           "log-group": "logs", "repository": "ecr", "function": "lambda"}


def _resource(resource_type, resource_id, encryption, **options):
    resource = make_resource(resource_type, resource_id, encryption, **options)
    resource.service = SERVICE[resource_type]
    return resource


def _one(inventory, usage=None, **settings):
    plan = plan_for(inventory, usage, **settings)
    [resource] = plan.resources
    return plan, resource


def test_an_sse_sqs_queue_moves_to_a_new_customer_key():
    plan, queue = _one(make_inventory([_resource("queue", "orders", "aws-owned")]))
    assert (queue.action, queue.state_after) == ("sqs-set-kms-key", "customer-managed")
    assert queue.key_after.startswith("kmsplan:new:")
    # SSE-SQS is free: no requests now. After: 2 principals x 8,640 = 17,280, inside the
    # 20,000 free requests, so only the key's $1.00.
    assert (queue.requests_now, queue.requests_after) == (0, 17_280)
    assert (plan.monthly_now, plan.monthly_after) == (0, D("1.00"))
    assert queue.sources["active_principals"].startswith("default, assumed: a producer and")
    assert queue.figures == {"active_principals": 2, "data_keys_per_principal": 8_640}
    assert queue.sources["data_keys_per_principal"] == (
        "parameter data_key_requests_per_principal_month: default")
    [labour] = queue.one_time
    assert (labour.name, labour.quantity) == ("Labour (sqs-set-kms-key)", D("0.5"))
    assert "SQS.1" in ACTIONS[queue.action].controls


def test_the_queue_reuse_period_sets_its_requests(tmp_path):
    queue = _resource("queue", "busy", "customer-managed", key=key_arn("q1"),
                      details={"data_key_reuse_seconds": 600})
    usage = write_usage(tmp_path, "resources:\n  busy: {active_principals: 10}\n")
    plan, planned = _one(make_inventory([queue], [make_key("q1")]), usage)
    assert planned.action == "keep"
    # 2,592,000 / 600 = 4,320 data keys a principal; x 10 = 43,200 requests.
    assert planned.requests_now == planned.requests_after == 43_200
    # $1.00 + (43,200 - 20,000) / 10,000 x $0.03 = 1.00 + 0.0696 = 1.07.
    assert cents(plan.monthly_now) == D("1.07")
    assert planned.sources["active_principals"] == "usage file"
    assert planned.sources["data_keys_per_principal"] == (
        "inventory: 2,592,000 s / 600 s data key reuse")


def test_an_unencrypted_queue_gets_sse_sqs_when_the_target_is_encrypted():
    _, queue = _one(make_inventory([_resource("queue", "plain", "none")]), target="encrypted")
    assert (queue.action, queue.state_after, queue.key_after) == (
        "sqs-enable-sse-sqs", "aws-owned", None)
    assert queue.requests_after == 0


def test_an_unencrypted_stream_goes_to_the_aws_managed_key_when_the_target_is_encrypted():
    _, stream = _one(make_inventory([_resource("stream", "clicks", "none")]),
                     target="encrypted")
    assert (stream.action, stream.state_after) == ("kinesis-start-encryption", "aws-managed")
    assert stream.key_after == "kmsplan:aws-managed:111111111111:us-east-1:aws/kinesis"
    # 2 principals x 8,640 = 17,280 requests a month on aws/kinesis.
    assert stream.requests_after == 17_280


def test_a_log_group_has_no_aws_managed_key_so_aws_managed_means_a_new_key():
    _, group = _one(make_inventory([_resource("log-group", "/app", "aws-owned")]),
                    target="aws-managed")
    assert (group.action, group.state_after) == ("logs-associate-key", "customer-managed")
    # 1 writer x 8,640.
    assert (group.requests_now, group.requests_after) == (0, 8_640)


def test_a_secret_on_aws_secretsmanager_pays_for_its_reads_now_and_after():
    secret = _resource("secret", "db-password", "aws-managed", key=key_arn("sm"))
    plan, planned = _one(make_inventory([secret], [make_key("sm", manager="AWS")]))
    assert planned.action == "secretsmanager-update-key"
    # 720 GetSecretValue a month, one Decrypt each, on either key.
    assert planned.requests_now == planned.requests_after == 720
    assert plan.monthly_after == D("1.00")  # the new key; 720 requests are free


def test_an_aes256_repository_is_recreated():
    plan, repo = _one(make_inventory([_resource("repository", "web", "aws-owned")]))
    assert repo.action == "ecr-recreate-repository"
    assert ACTIONS[repo.action].downtime != "none"
    # 1,000 layer pulls + 100 layer pushes = 1,100 requests after.
    assert (repo.requests_now, repo.requests_after) == (0, 1_100)
    assert [(line.name, line.quantity) for line in repo.one_time] == [
        ("Labour (ecr-recreate-repository)", D("2"))]


def test_a_topic_and_a_function_move_to_customer_keys(tmp_path):
    usage = write_usage(tmp_path, "defaults:\n  topic: {active_principals: 5}\n"
                                  "  function: {monthly_cold_starts: 30000}\n")
    plan = plan_for(make_inventory([_resource("topic", "alerts", "none"),
                                    _resource("function", "api", "aws-managed")]), usage)
    topic, function = sorted(plan.resources, key=lambda p: p.resource.resource_type,
                             reverse=True)
    assert (topic.action, topic.requests_after) == ("sns-set-kms-key", 43_200)  # 5 x 8,640
    assert (function.action, function.requests_now, function.requests_after) == (
        "lambda-set-kms-key", 30_000, 30_000)
    # One new key ($1.00) shared in the account and region; 43,200 + 30,000 = 73,200
    # requests: (73,200 - 20,000) / 10,000 x 0.03 = 0.1596. Total 1.16.
    assert cents(plan.monthly_after) == D("1.16")


def test_a_usage_file_figure_of_another_type_is_refused(tmp_path):
    usage = write_usage(tmp_path, "defaults:\n  queue: {monthly_get_requests: 5}\n")
    with pytest.raises(InputError, match="monthly_get_requests: unknown key for queue"):
        plan_for(make_inventory([_resource("queue", "q", "none")]), usage)


def test_each_new_type_is_a_csv_row_with_its_action(tmp_path):
    states = {"queue": "aws-owned", "topic": "none", "stream": "none", "secret": "aws-managed",
              "log-group": "aws-owned", "repository": "aws-owned", "function": "aws-managed"}
    plan = plan_for(make_inventory([_resource(t, f"{t}-1", s) for t, s in states.items()]))
    [path] = [p for p in write_csv(plan, tmp_path) if p.name == "resources.csv"]
    with path.open(encoding="utf-8") as handle:
        rows = {row["service"]: row["action"] for row in csv.DictReader(handle)}
    assert rows == {"sqs": "sqs-set-kms-key", "sns": "sns-set-kms-key",
                    "kinesis": "kinesis-start-encryption",
                    "secretsmanager": "secretsmanager-update-key",
                    "logs": "logs-associate-key", "ecr": "ecr-recreate-repository",
                    "lambda": "lambda-set-kms-key"}


def test_measured_requests_on_the_key_replace_the_queue_estimate(tmp_path):
    queue = _resource("queue", "measured", "customer-managed", key=key_arn("q2"))
    usage = write_usage(tmp_path, f"keys:\n  {key_arn('q2')}:\n"
                                  "    requests: {symmetric: 50000}\n"
                                  "    source: cloudtrail\n    window: 30 days\n")
    plan, planned = _one(make_inventory([queue], [make_key("q2")]), usage)
    # The key's one resource is priced for all 50,000 measured requests, not its estimate
    # of 2 x 8,640 = 17,280.
    assert (planned.requests_now, planned.priced_now) == (17_280, 50_000)
    assert planned.sources["kms_requests"].startswith("measured: cloudtrail")
    # $1.00 + (50,000 - 20,000) / 10,000 x $0.03 = 1.09.
    assert cents(plan.monthly_now) == D("1.09")
