"""The compiled fast path (_ctscan.c) against the reference path (orjson + records.py).

Its contract: for every file it either counts exactly what the reference counts, or declines
the file and counts nothing (the reference then counts or rejects it). These tests check both
halves: the counts agree for any file, and ordinary CloudTrail files are not declined.
_ctscan is built by `pip install -e .` (setup.py); without a compiler its import below fails,
loudly and on purpose, since the product would then run on the reference path alone.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from planner.measure._ctscan import Scanner

import planner.measure.cloudtrail as cloudtrail
from planner.measure.cloudtrail import measure_files
from planner.measure.records import CONTEXT_KEYS, KMS_SOURCE, raw_fields
from tests.measure.trail import KEY_A, KEY_B, kms_event, log_name, other_event, sample_trail

NAME = log_name("2026-10-01", 1)
UNSTAMPED = "logs/exported.json.gz"  # no time in the name: every record's time counts


def outcome(result) -> tuple:
    """Everything a measurement reports, but which path counted it."""
    return (
        result.files, result.events, result.not_billed, result.unattributed,
        result.caller_copies, dict(result.requests), result.first_time, result.last_time,
        [(bad.name, bad.reason) for bad in result.bad_files],
    )


def both_paths(files: dict[str, bytes]):
    """(fast path result, reference result) over the same in-memory files."""
    def listing():
        return [(name, (lambda body=body: body)) for name, body in files.items()]

    return (measure_files(listing(), "test"), measure_files(listing(), "test", fast=False))


def gz(text: str | bytes) -> bytes:
    return gzip.compress(text.encode() if isinstance(text, str) else text)


def test_fast_path_counts_the_sample_trail_like_the_reference():
    fast, reference = both_paths(sample_trail())
    assert outcome(fast) == outcome(reference)
    assert fast.fast_files == 3 and reference.fast_files == 0
    assert fast.events == 11  # hand count in test_cloudtrail.check_sample


def test_scanner_yields_raw_fields_of_each_kms_record():
    records = [
        kms_event("Decrypt", "2026-10-01T08:00:00Z", caller="s3",
                  params={"encryptionContext": {"aws:s3:arn": "arn:aws:s3:::b/o"}}),
        kms_event("Decrypt", "2026-10-01T08:00:00Z", caller="s3",
                  params={"encryptionContext": {"aws:s3:arn": "arn:aws:s3:::b/o"}}),
        kms_event("Sign", "2026-10-01T07:00:00Z", KEY_B, in_resources=False,
                  params={"signingAlgorithm": "RSASSA_PSS_SHA_256"}),
        other_event("2026-09-30T00:00:00Z"),
    ]
    scanner = Scanner(CONTEXT_KEYS)
    times = scanner.scan(json.dumps({"Records": records}).encode())
    assert times == ("2026-10-01T07:00:00Z", "2026-10-01T08:00:00Z")  # KMS events only
    expected = Counter(raw_fields(r) for r in records if r["eventSource"] == KMS_SOURCE)
    assert dict(scanner.take()) == expected
    assert len(scanner) == 0 and scanner.take() == []
    # the S3 context key is bit 0 of the context bits
    assert {raw[-1] for raw in expected} == {1, 0}


def test_every_time_takes_the_time_of_non_kms_records_too():
    records = [kms_event("Decrypt", "2026-10-02T00:00:00Z"), other_event("2026-09-30T00:00:00Z")]
    scanner = Scanner(CONTEXT_KEYS)
    body = json.dumps({"Records": records}).encode()
    assert scanner.scan(body, True) == ("2026-09-30T00:00:00Z", "2026-10-02T00:00:00Z")


def record_text(pairs: list[tuple[str, str]]) -> str:
    return "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in pairs) + "}"


def decrypt_pairs(**changed: str) -> list[tuple[str, str]]:
    """A KMS Decrypt record as (key, JSON text) pairs, so keys can repeat and text can vary."""
    pairs = {
        "eventTime": '"2026-10-01T08:00:00Z"', "eventSource": '"kms.amazonaws.com"',
        "eventName": '"Decrypt"', "awsRegion": '"us-east-1"',
        "userIdentity": '{"type":"AWSService","invokedBy":"s3.amazonaws.com"}',
        "requestParameters": '{"keyId":"alias/app"}',
        "resources": f'[{{"type":"AWS::KMS::Key","ARN":"{KEY_A}"}}]',
        "eventType": '"AwsApiCall"', "recipientAccountId": '"111122223333"',
    }
    pairs.update(changed)
    return list(pairs.items())


def trail_text(*records: str) -> str:
    return '{"Records":[' + ",".join(records) + "]}"


# (case, file text, declined by the fast path?)
CASES = [
    ("plain", trail_text(record_text(decrypt_pairs())), False),
    ("pretty-printed", json.dumps({"Records": [json.loads(record_text(decrypt_pairs()))]},
                                  indent=2), False),
    ("fields in another order", trail_text(record_text(decrypt_pairs()[::-1])), False),
    ("escape in a skipped string", trail_text(record_text(
        decrypt_pairs(requestID='"a\\"b\\u00e9\\n"'))), False),
    ("non-ASCII user agent", trail_text(record_text(
        decrypt_pairs(userAgent='"app/1 (Zürich) 東京"'))), False),
    ("escape in a kept string", trail_text(record_text(
        decrypt_pairs(eventName='"Decr\\u0079pt"'))), True),
    ("duplicate eventSource", trail_text(record_text(
        decrypt_pairs() + [("eventSource", '"s3.amazonaws.com"')])), True),
    ("duplicate eventName", trail_text(record_text(
        decrypt_pairs() + [("eventName", '"Encrypt"')])), True),
    ("a number where a string is kept", trail_text(record_text(
        decrypt_pairs(eventName="7"))), True),
    ("a list as userIdentity", trail_text(record_text(
        decrypt_pairs(userIdentity='["x"]'))), True),
    ("an odd non-KMS record is not the fast path's business", trail_text(
        record_text(decrypt_pairs()),
        record_text(decrypt_pairs(eventSource='"s3.amazonaws.com"', eventName="[1]"))), False),
    ("eventSource nested in a context is not the record's", trail_text(record_text(
        decrypt_pairs(eventSource='"s3.amazonaws.com"', requestParameters=(
            '{"encryptionContext":{"eventSource":"kms.amazonaws.com"}}'))))
     , False),
    ("eventSource text inside a string", trail_text(record_text(decrypt_pairs()), record_text(
        decrypt_pairs(eventSource='"s3.amazonaws.com"',
                      requestID='"\\"eventSource\\":\\"kms.amazonaws.com\\""'))), False),
    ("the first KMS key among resources", trail_text(record_text(decrypt_pairs(resources=(
        f'[{{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"}},'
        f'{{"type":"AWS::KMS::Key","ARN":"{KEY_B}"}},{{"type":"AWS::KMS::Key","ARN":"{KEY_A}"}}]'
    )))), False),
    ("EBS named only by the encryption context", trail_text(record_text(decrypt_pairs(
        userIdentity='{"type":"AssumedRole"}',
        requestParameters='{"encryptionContext":{"aws:ebs:id":"vol-1"},"keyId":"k"}'))), False),
    ("a huge number in a skipped field", trail_text(record_text(
        decrypt_pairs(size="1" + "0" * 400))), True),
    ("a record that is not an object", trail_text(record_text(decrypt_pairs()), "3"), True),
    ("truncated", trail_text(record_text(decrypt_pairs()))[:-7], True),
    ("trailing text", trail_text(record_text(decrypt_pairs())) + "x", True),
    ("no Records", '{"records":[]}', True),
    ("Records not a list", '{"Records":{}}', True),
    ("a raw control character", trail_text(record_text(decrypt_pairs(requestID='"a\tb"'))),
     True),
    ("a lone surrogate escape", trail_text(record_text(decrypt_pairs(requestID='"\\ud800"'))),
     True),
    ("a leading zero", trail_text(record_text(decrypt_pairs(size="01"))), True),
]


@pytest.mark.parametrize(("text", "declined"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_file_is_counted_as_the_reference_counts_it_or_declined(text, declined):
    fast, reference = both_paths({NAME: gz(text)})
    assert outcome(fast) == outcome(reference)
    assert fast.fast_files == (0 if declined else 1)


def test_invalid_utf8_is_declined_and_judged_by_the_reference():
    body = trail_text(record_text(decrypt_pairs(requestID='"x'))).encode().replace(
        b'"x"', b'"x\xff"')
    fast, reference = both_paths({NAME: gz(body)})
    assert outcome(fast) == outcome(reference)
    assert fast.fast_files == 0
    assert fast.bad_files[0].reason.startswith("not valid JSON")


def test_counts_survive_the_table_being_emptied_between_files(monkeypatch):
    files = {log_name("2026-10-01", n): gz(trail_text(record_text(decrypt_pairs(
        eventName=json.dumps(name))))) for n, name in enumerate(["Decrypt", "Encrypt", "Sign"])}
    monkeypatch.setattr(cloudtrail, "FLUSH_TUPLES", 0)  # take after every file
    fast, reference = both_paths(files)
    assert outcome(fast) == outcome(reference)
    assert fast.events == 3


# Random files: keys drawn mostly from those the fast path keeps, values of every JSON type,
# strings written with or without \u escapes, keys that repeat, and cuts anywhere.
FIELD_NAMES = ["eventSource", "eventTime", "eventType", "eventName", "awsRegion",
               "recipientAccountId", "sourceIPAddress", "userAgent", "userIdentity",
               "requestParameters", "resources", "invokedBy", "keyId", "keyPairSpec",
               "encryptionAlgorithm", "signingAlgorithm", "encryptionContext", "type", "ARN",
               *CONTEXT_KEYS, "other"]
KEPT_TEXT = ["kms.amazonaws.com", "s3.amazonaws.com", "AWS::KMS::Key", KEY_A, "Decrypt", "Sign",
             "GenerateDataKeyPair", "ECC_NIST_P256", "ec2.amazonaws.com", "2026-10-01T00:00:00Z",
             "2026-10-02T00:00:00Z", "111122223333", "AwsServiceEvent", "alias/app", ""]
texts = st.one_of(st.sampled_from(KEPT_TEXT), st.text(max_size=12))


@st.composite
def json_texts(draw, depth: int = 0) -> str:
    kinds = ["string", "null", "number", "bool"] + (["object", "list"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "string":
        return json.dumps(draw(texts), ensure_ascii=draw(st.booleans()))
    if kind == "null":
        return "null"
    if kind == "number":
        return draw(st.sampled_from(["0", "-1", "12.5e3", "1e400", "123456789012345678901234"]))
    if kind == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "list":
        return "[" + ",".join(draw(st.lists(json_texts(depth + 1), max_size=3))) + "]"
    pairs = draw(st.lists(st.tuples(st.sampled_from(FIELD_NAMES), json_texts(depth + 1)),
                          max_size=6))
    return "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in pairs) + "}"


@st.composite
def records(draw) -> str:
    base = dict(decrypt_pairs())
    for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=3)):
        base[name] = draw(json_texts(1))
    pairs = list(base.items())
    if draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    return record_text(pairs)


@st.composite
def files(draw) -> bytes:
    text = trail_text(*draw(st.lists(records(), min_size=1, max_size=4)))
    if draw(st.integers(0, 9)) == 0:
        text = text[:draw(st.integers(0, len(text)))]
    return text.encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(files(), min_size=1, max_size=3), st.booleans())
def test_random_files_count_alike_on_both_paths(bodies, stamped):
    names = [log_name("2026-10-01", n) if stamped else f"x/{n}.json.gz"
             for n in range(len(bodies))]
    fast, reference = both_paths({name: gz(body) for name, body in zip(names, bodies, strict=True)})
    assert outcome(fast) == outcome(reference)


# Text as CloudTrail writes it in the fields kept: no character that JSON must escape.
plain = st.one_of(st.sampled_from(KEPT_TEXT), st.text(st.characters(
    min_codepoint=0x20, blacklist_characters='"\\', blacklist_categories=("Cs",)), max_size=12))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "eventSource": st.sampled_from(["kms.amazonaws.com", "s3.amazonaws.com"]),
    "eventTime": st.sampled_from(KEPT_TEXT[9:11]),
    "eventName": plain, "userAgent": plain, "recipientAccountId": plain,
    "requestParameters": st.fixed_dictionaries({"keyId": plain}, optional={
        "encryptionContext": st.dictionaries(st.sampled_from(CONTEXT_KEYS + ("x",)), plain)}),
    "resources": st.lists(st.fixed_dictionaries({"type": plain, "ARN": plain}), max_size=2),
}), min_size=1, max_size=5))
def test_ordinary_records_are_never_declined(records_):
    # What CloudTrail writes (string fields, objects where objects belong, compact JSON with
    # raw UTF-8, anything in the fields not kept) always takes the fast path, and counts as
    # the reference does.
    records_[0]["eventSource"] = KMS_SOURCE  # a file with no KMS event is never parsed
    body = orjson.dumps({"Records": records_})
    fast, reference = both_paths({NAME: gz(body)})
    assert fast.fast_files == 1
    assert outcome(fast) == outcome(reference)


def test_both_paths_name_the_services_the_scan_knows():
    # One record per caller, plus a user's call that only the encryption context names.
    at = "2026-10-01T00:10:00Z"
    records = [kms_event("Decrypt", at, caller=caller)
               for caller in ("sqs", "logs", "opensearch", "ses", "sqs")]
    records.append(kms_event("GenerateDataKey", at, params={
        "keyId": KEY_A, "encryptionContext": {"aws:sns:topicArn": "arn:aws:sns:us-east-1:1:t"}}))
    fast, reference = both_paths({NAME: gz(json.dumps({"Records": records}))})
    assert outcome(fast) == outcome(reference) and fast.fast_files == 1
    # sqs twice; ses.amazonaws.com is no service the scan knows (and not OpenSearch's es).
    assert dict(fast.requests) == {
        (KEY_A, "symmetric", "sqs"): 2, (KEY_A, "symmetric", "logs"): 1,
        (KEY_A, "symmetric", "opensearch"): 1, (KEY_A, "symmetric", "other"): 1,
        (KEY_A, "symmetric", "sns"): 1}
