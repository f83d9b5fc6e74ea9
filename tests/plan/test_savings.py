"""Idle-key verdicts, retire-key, and the savings levers (prices: key-month $1.00, each of the
first two rotations $1.00 a key-month, symmetric requests $0.03 per 10k)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from planner.errors import InputError
from planner.inventory import RegionSettings
from planner.plan.idle import IDLE, IN_USE, UNKNOWN, blind_spots
from tests.factories import make_inventory, make_key, make_resource
from tests.plan.helpers import plan_for, write_usage

SCANNED = "2026-11-28T00:00:00+00:00"  # make_inventory's scan time
OLD_USE = {"operation": "Decrypt", "timestamp": "2026-06-01T10:00:00+00:00",  # 179 days ago
           "tracking_start": "2026-04-01T00:00:00+00:00", "event_id": "e-1", "error": None}


def idle_key(key_id: str, **fields):
    """A key with every sign of idleness: old last use, no grants, rotation off."""
    key = make_key(key_id, created="2025-01-01T00:00:00+00:00", aliases=[f"alias/{key_id}"])
    key.last_usage, key.grants, key.rotations = dict(OLD_USE), 0, 0
    for name, value in fields.items():
        setattr(key, name, value)
    return key


def verdicts(plan) -> dict:
    return {v.key.label: v for v in plan.savings.verdicts}


def test_a_key_with_every_sign_of_idleness_is_idle_with_its_evidence():
    plan = plan_for(make_inventory([], [idle_key("quiet")]))
    verdict = verdicts(plan)["alias/quiet"]
    assert verdict.verdict == IDLE
    assert verdict.reasons == []
    assert verdict.evidence == [
        "no scanned resource or setting names it",
        "last used 2026-06-01 (Decrypt), 179 days before the scan (threshold 90)",
        "no grants",
    ]


def test_a_key_referenced_by_a_resource_is_never_idle():
    key = idle_key("named")
    volume = make_resource("volume", "vol-1", "customer-managed", key=key.arn, size_gb=10)
    plan = plan_for(make_inventory([volume], [key]), retire_idle_keys=True)
    verdict = verdicts(plan)["alias/named"]
    assert verdict.verdict == IN_USE
    assert verdict.reasons == ["named by volume vol-1"]
    assert "retire-key" not in {p.action for p in plan.all_actions}


def test_a_key_named_only_in_a_resource_detail_or_as_ebs_default_is_in_use():
    replicated = idle_key("replica-target")
    default = idle_key("ebs-default")
    bucket = make_resource("bucket", "source", "sse-s3",
                           details={"replication_key": replicated.arn})
    setting = RegionSettings("111111111111", "us-east-1", True, default.arn)
    plan = plan_for(make_inventory([bucket], [replicated, default], settings=[setting]))
    found = verdicts(plan)
    assert found["alias/replica-target"].reasons == ["named by bucket source (replication_key)"]
    assert found["alias/ebs-default"].reasons == ["named by EBS default-encryption key"]


def test_a_key_with_measured_requests_is_never_idle(tmp_path):
    key = idle_key("busy")
    usage = write_usage(tmp_path, f"""
keys:
  {key.arn}: {{requests: {{symmetric: 1200}}, source: CloudTrail, window: 2026-11-01..2026-11-27}}
measured: {{source: CloudTrail, window: 2026-11-01..2026-11-27}}
""")
    verdict = verdicts(plan_for(make_inventory([], [key]), usage))["alias/busy"]
    assert verdict.verdict == IN_USE
    assert verdict.reasons == [
        "1,200 requests a month measured: CloudTrail, 2026-11-01..2026-11-27"]


def test_a_measurement_without_the_key_is_evidence_of_idleness(tmp_path):
    usage = write_usage(tmp_path,
                        "measured: {source: CloudTrail, window: 2026-11-01..2026-11-27}\n")
    verdict = verdicts(plan_for(make_inventory([], [idle_key("quiet")]), usage))["alias/quiet"]
    assert verdict.verdict == IDLE
    assert "no requests measured in CloudTrail, 2026-11-01..2026-11-27" in verdict.evidence


def test_a_multi_region_primary_with_replicas_is_never_idle():
    replica = "arn:aws:kms:eu-west-1:111111111111:key/mrk-2"
    key = idle_key("mrk-1", multi_region=True, multi_region_type="PRIMARY",
                   replica_keys=[replica])
    verdict = verdicts(plan_for(make_inventory([], [key])))["alias/mrk-1"]
    assert (verdict.verdict, verdict.reasons) == (
        IN_USE, ["multi-Region primary with 1 replica(s) sharing its key material"])


@pytest.mark.parametrize(("fields", "verdict", "reason"), [
    ({"last_usage": {"operation": "Encrypt", "timestamp": "2026-11-20T00:00:00+00:00",
                     "tracking_start": "2026-04-01T00:00:00+00:00", "error": None}},
     IN_USE, "last used 2026-11-20 (Encrypt), 8 days before the scan"),
    ({"grants": 2}, IN_USE, "2 grant(s) in force: a service may still use it"),
    ({"last_usage": {"operation": None, "timestamp": None, "tracking_start": None,
                     "error": "AccessDeniedException"}},
     UNKNOWN, "last use unknown: GetKeyLastUsage failed with AccessDeniedException"),
    ({"last_usage": None}, UNKNOWN,
     "last use not read (an inventory from before GetKeyLastUsage)"),
    ({"grants": None}, UNKNOWN, "grants not read (ListGrants)"),
    # Never used since creation, but created 27 days before the scan: too soon to tell.
    ({"created": "2026-11-01T00:00:00+00:00",
      "last_usage": {"operation": None, "timestamp": None,
                     "tracking_start": "2026-11-01T00:00:00+00:00", "error": None}},
     UNKNOWN, "no use since it was created, but that is only 27 days (threshold 90)"),
    ({"origin": "EXTERNAL"}, UNKNOWN, "imported key material (it cannot be re-created once "
     "deleted): not judged unless parameters.idle_keys_include_special is true"),
    ({"custom_key_store": "cks-1", "origin": "AWS_CLOUDHSM"}, UNKNOWN, "a custom key store "
     "key: not judged unless parameters.idle_keys_include_special is true"),
])
def test_what_makes_a_quiet_key_in_use_or_unknown(fields, verdict, reason):
    found = verdicts(plan_for(make_inventory([], [idle_key("k", **fields)])))["alias/k"]
    assert found.verdict == verdict
    assert reason in found.reasons


def test_never_used_since_tracking_began_long_ago_is_idle():
    key = idle_key("never", last_usage={"operation": None, "timestamp": None,
                                        "tracking_start": "2026-04-01T00:00:00+00:00",
                                        "error": None})
    found = verdicts(plan_for(make_inventory([], [key])))["alias/never"]
    assert found.verdict == IDLE
    # Created 2025-01-01, before tracking began on 2026-04-01: 241 days of tracked silence.
    assert ("no cryptographic use since tracking began (2026-04-01; earlier use not "
            "recorded): 241 days (threshold 90)") in found.evidence


def test_imported_keys_are_judged_when_asked(tmp_path):
    usage = write_usage(tmp_path, "parameters: {idle_keys_include_special: true}\n")
    found = verdicts(plan_for(make_inventory([], [idle_key("k", origin="EXTERNAL")]), usage))
    assert found["alias/k"].verdict == IDLE


def test_an_unreadable_resource_in_the_region_leaves_the_key_unknown():
    hidden = make_resource("bucket", "locked", "unknown", error="AccessDenied: Access Denied")
    found = verdicts(plan_for(make_inventory([hidden], [idle_key("k")])))["alias/k"]
    assert found.verdict == UNKNOWN
    assert found.reasons == ["1 resource(s) or call(s) in 111111111111 us-east-1 could not "
                             "be read: one may use this key"]


def test_a_scan_of_some_services_leaves_a_quiet_key_unknown_and_unretired():
    # `scan --services s3`: an EBS volume or an RDS database may use the key unseen.
    inventory = make_inventory([], [idle_key("quiet")], services=["kms", "s3", "tags"])
    plan = plan_for(inventory, retire_idle_keys=True)
    found = verdicts(plan)["alias/quiet"]
    assert found.verdict == UNKNOWN
    assert found.reasons == [
        "services not scanned: ebs, rds, dynamodb, efs, fsx, docdb, neptune, redshift, "
        "elasticache, memorydb, opensearch, backup, sqs, sns, kinesis, secretsmanager, logs, "
        "ecr, lambda (scan --services): a resource of theirs may use this key"]
    assert "retire-key" not in {p.action for p in plan.all_actions}


def test_an_inventory_that_does_not_say_which_services_were_scanned_judges_no_key_idle():
    inventory = make_inventory([], [idle_key("quiet")])
    inventory.services = None  # a file written before the field
    found = verdicts(plan_for(inventory))["alias/quiet"]
    assert found.verdict == UNKNOWN
    assert found.reasons == ["the inventory does not say which services were scanned "
                             "(written before kmsplan recorded them): a resource of any of "
                             "them may use this key"]


def test_a_key_named_by_a_scanned_resource_is_in_use_whatever_was_not_scanned():
    key = idle_key("named")
    bucket = make_resource("bucket", "b", "customer-managed", key=key.arn)
    plan = plan_for(make_inventory([bucket], [key], services=["kms", "s3", "tags"]))
    assert verdicts(plan)["alias/named"].verdict == IN_USE
    assert verdicts(plan)["alias/named"].reasons == ["named by bucket b"]


def test_the_threshold_is_a_usage_parameter(tmp_path):
    usage = write_usage(tmp_path, "parameters: {idle_key_days: 200}\n")
    found = verdicts(plan_for(make_inventory([], [idle_key("k")]), usage))["alias/k"]
    # Last used 179 days before the scan: within 200 days.
    assert (found.verdict, found.reasons) == (
        IN_USE, ["last used 2026-06-01 (Decrypt), 179 days before the scan"])


def test_a_bad_switch_parameter_is_bad_input(tmp_path):
    usage = write_usage(tmp_path, "parameters: {idle_keys_include_special: 'yes'}\n")
    with pytest.raises(InputError, match="idle_keys_include_special: must be true or false"):
        plan_for(make_inventory([], []), usage)


def _two_plans(key):
    inventory = make_inventory([], [key])
    return plan_for(inventory), plan_for(inventory, retire_idle_keys=True)


def test_the_saving_is_counted_in_after_and_the_forecast_only_when_asked():
    keep, retire = _two_plans(idle_key("quiet"))
    # Rotation off: $1.00 a key-month. Kept: $1.00 now and after, 36 x $1.00 over 3 years.
    assert (keep.monthly_now, keep.monthly_after, keep.year_total(3)) == (
        Decimal("1.00"), Decimal("1.00"), Decimal("36.00"))
    assert "retire-key" not in {p.action for p in keep.all_actions}
    # Retired: gone from "after"; the 30-day watch bills 1 key-month once ($1.00).
    assert (retire.monthly_now, retire.monthly_after, retire.one_time) == (
        Decimal("1.00"), Decimal("0"), Decimal("1.00"))
    assert retire.year_total(3) == Decimal("1.00")
    [action] = [p for p in retire.all_actions if p.action == "retire-key"]
    assert action.resource.arn == retire.savings.verdicts[0].key.ref
    # The lever says the same in both plans: $1.00 a month, 36.00 - 1.00 = 35.00 in 3 years;
    # "counted" only when retiring. 35.00 is exactly keep's 3 years less retire's.
    for plan, counted in ((keep, False), (retire, True)):
        idle = plan.savings.levers[0]
        assert (idle.name, idle.monthly, idle.three_year, idle.counted) == (
            "idle keys", Decimal("1.00"), Decimal("35.00"), counted)
    assert keep.year_total(3) - retire.year_total(3) == Decimal("35.00")


def test_rotation_surcharges_step_up_in_the_saving():
    # One rotation so far, the next on 2027-03-01 (month 4 of the forecast, Dec 2026 = 1):
    # $2.00 a month for months 1-3, then $3.00 (two surcharges, the most billed) for 4-36.
    # 3 x 2 + 33 x 3 = 105; less the 1-month watch at today's $2.00 = 103.
    key = idle_key("rotating", rotation_enabled=True, rotations=1, rotation_period_days=365,
                   next_rotation="2027-03-01")
    keep, retire = _two_plans(key)
    idle = keep.savings.levers[0]
    assert (idle.monthly, idle.three_year) == (Decimal("2.00"), Decimal("103.00"))
    assert keep.year_total(3) - retire.year_total(3) == Decimal("103.00")


def test_bucket_key_and_consolidation_levers():
    # Three SSE-S3 buckets go to SSE-KMS with a bucket key under the account-region strategy.
    # Each: default traffic 100,000 GETs + 10,000 PUTs = 110,000 requests; 99% fewer =
    # 108,900 fewer; x $0.03 / 10k = $0.3267 a month; three buckets $0.9801, x 36 = 35.2836.
    buckets = [make_resource("bucket", f"data-{n}", "sse-s3", object_count=10) for n in range(3)]
    plan = plan_for(make_inventory(buckets, []))
    levers = {lever.name: lever for lever in plan.savings.levers}
    bucket_keys = levers["bucket keys"]
    assert (bucket_keys.monthly, bucket_keys.three_year, bucket_keys.counted) == (
        Decimal("0.9801"), Decimal("35.2836"), True)
    assert "3 remediated bucket(s) with a bucket key: 326,700 fewer" in bucket_keys.evidence
    # One shared new key instead of three: 2 key-months spared, $2.00 a month. The new key
    # rotates yearly: months 1-12 $1.00, 13-24 $2.00, 25-36 $3.00 = $72 each, x 2 = $144.
    consolidation = levers["consolidation"]
    assert (consolidation.monthly, consolidation.three_year, consolidation.counted) == (
        Decimal("2.00"), Decimal("144.00"), True)
    assert consolidation.evidence.startswith("3 resource(s) move to 1 new key(s)")


def test_no_bucket_keys_means_the_lever_is_an_option():
    plan = plan_for(make_inventory([make_resource("bucket", "b", "sse-s3")], []),
                    bucket_keys=False)
    bucket_keys = plan.savings.levers[1]
    assert (bucket_keys.monthly, bucket_keys.counted) == (Decimal("0.3267"), False)


def test_a_primary_named_by_a_scanned_replica_is_in_use_even_if_it_lists_none():
    # The emulator reports a primary without its replicas; a scanned replica naming it as
    # primary is enough. A replica pending deletion is not live.
    primary = idle_key("mrk-1", multi_region=True, multi_region_type="PRIMARY")
    replica = idle_key("mrk-1", region="eu-west-1", multi_region=True,
                       multi_region_type="REPLICA", primary_key=primary.arn)
    replica.arn = replica.arn.replace("us-east-1", "eu-west-1")
    found = plan_for(make_inventory([], [primary, replica])).savings.verdicts
    assert {(v.key.region, v.verdict) for v in found} == {("us-east-1", IN_USE),
                                                          ("eu-west-1", IDLE)}
    replica.state = "PendingReplicaDeletion"
    found = plan_for(make_inventory([], [primary, replica])).savings.verdicts
    assert [(v.key.region, v.verdict) for v in found] == [("us-east-1", IDLE)]


def test_priced_labour_is_part_of_retiring_and_of_the_saving(tmp_path):
    usage = write_usage(tmp_path, 'parameters: {labour_rate_usd_per_hour: "100", '
                        'labour_hours: {retire-key: "0.25"}}\n')
    inventory = make_inventory([], [idle_key("quiet")])
    keep, retire = plan_for(inventory, usage), plan_for(inventory, usage, retire_idle_keys=True)
    # One-time: the 1-month watch $1.00 + 0.25 h x $100 = $26.00. Saving over 3 years:
    # 36 x $1.00 - 26.00 = 10.00, exactly keep's 3 years less retire's.
    assert retire.one_time == Decimal("26.00")
    assert keep.savings.levers[0].three_year == Decimal("10.00")
    assert keep.year_total(3) - retire.year_total(3) == Decimal("10.00")


def test_a_resource_encrypted_under_an_unnamed_key_leaves_the_keys_of_its_region_unknown():
    hidden = make_resource("volume", "vol-raw", "unknown", size_gb=1)
    hidden.encryption = "kms-key-unknown"  # encrypted, under a key the scan could not name
    hidden.details = {"kms_key_raw": "not-a-key-reference"}
    spots = blind_spots(make_inventory([hidden], [idle_key("k")]))
    assert spots == {("111111111111", "us-east-1"): 1}


def test_the_inventory_file_keeps_the_scanned_services_and_absent_means_unknown(tmp_path):
    from planner.inventory import load_inventory, save_inventory

    path = tmp_path / "inventory.json"
    save_inventory(make_inventory([], services=["kms", "tags", "ebs"]), path)
    assert load_inventory(path).services == ["kms", "tags", "ebs"]
    data = json.loads(path.read_text())
    del data["services"]
    path.write_text(json.dumps(data))
    assert load_inventory(path).services is None
    data["services"] = "ebs"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"inventory.json: services: must be a list of text"):
        load_inventory(path)
