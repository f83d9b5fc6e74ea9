"""The README's example commands, run as written (in a scratch folder, against the local
AWS emulator instead of an account), so they stay true."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.measure.trail import sample_trail

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_commands() -> list[list[str]]:
    """Every `kmsplan ...` line of the README's sh blocks: continuations joined, comments cut."""
    blocks = re.findall(r"^ *```sh\n(.*?)^ *```", README.read_text("utf-8"), re.M | re.S)
    text = "\n".join(blocks).replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["kmsplan"]:
            commands.append(words[1:])
    return commands


def test_the_readme_has_the_examples_this_test_runs():
    names = {" ".join(words[:2]) if words[0] == "usage" else words[0]
             for words in readme_commands()}
    assert {"scan", "plan", "whatif", "price", "usage measure"} <= names


def seed(aws_client) -> None:
    """An estate for the examples: a bucket, an encrypted volume, a trail bucket with a few
    CloudTrail log files, and the Athena database the Athena example names."""
    aws_client("s3").create_bucket(Bucket="readme-assets")
    aws_client("s3").create_bucket(Bucket="trail-bucket")
    for name, body in sample_trail().items():
        aws_client("s3").put_object(Bucket="trail-bucket", Key=name, Body=body)
    aws_client("ec2").create_volume(AvailabilityZone="us-east-1a", Size=10, Encrypted=True)
    aws_client("glue").create_database(DatabaseInput={"Name": "cloudtrail"})


def test_the_readme_examples_run_in_order(aws_client, fresh_aws, tmp_path):
    """In one folder, in the README's order: later examples read what earlier ones wrote."""
    seed(aws_client)
    for words in readme_commands():
        done = subprocess.run(
            [sys.executable, "-m", "planner", *words], cwd=tmp_path, capture_output=True,
            text=True, timeout=600, check=False,
            env={**os.environ, "AWS_ENDPOINT_URL": fresh_aws, "AWS_DEFAULT_REGION": "us-east-1"})
        assert done.returncode == 0, f"kmsplan {shlex.join(words)}\n{done.stderr}"
    assert (tmp_path / "reports" / "plan.xlsx").exists()
    assert (tmp_path / "reports" / "csv" / "resources.csv").exists()
