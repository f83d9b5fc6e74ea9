"""`kmsplan scan` progress: the runner's labels name the phase ("listing i of N", then
"reading N resources") and the CLI draws each phase on a terminal (a private pty); no
timing is asserted anywhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from planner.inventory import load_inventory
from tests.scan.conftest import HOME
from tests.test_cli_outputs import read_all, terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _two_queues(aws_client) -> None:
    for name in ("progress-a", "progress-b"):
        aws_client("sqs").create_queue(QueueName=name)


def test_labels_say_listing_then_reading_the_resources_found(aws_client, scan_estate):
    _two_queues(aws_client)
    labels = []
    scan_estate(services=["sqs"], workers=1,
                progress=lambda done, total, label: labels.append((done, total, label)))
    # One region, --services sqs: 4 listings (KMS ListKeys and ListAliases, SQS ListQueues,
    # tagging GetResources); the emulator holds no key, so the follow-ups are the 2 queues'
    # GetQueueAttributes: 6 calls in all.
    phases = [label.split(": ", 1)[0] for _, _, label in labels]
    assert phases[:3] == ["listing 1 of 4", "listing 2 of 4", "listing 3 of 4"]
    assert phases[3:] == ["reading 2 resources"] * 3
    assert labels[-1][:2] == (6, 6)
    assert sum(label.endswith("sqs GetQueueAttributes") for _, _, label in labels) == 2


def test_a_terminal_sees_each_phase_with_its_counts(aws_client, fresh_aws, tmp_path):
    _two_queues(aws_client)
    out = tmp_path / "inventory.json"
    kmsplan = Path(sys.executable).with_name("kmsplan")
    with terminal() as (master, slave, _):
        finished = subprocess.run(
            [str(kmsplan), "scan", "--services", "sqs", "--workers", "1", "--endpoint-url",
             fresh_aws, "--regions", HOME, "--out", str(out)],
            stdout=subprocess.PIPE, stderr=slave, text=True, timeout=120, check=False)
        os.close(slave)  # our copy: reading the master then ends with the child
        shown = ANSI.sub("", read_all(master))
    assert finished.returncode == 0, shown
    assert "Scanning" in shown and "listing" in shown
    # The reading phase is drawn when it begins, whatever the refresh rate.
    assert "reading 2 resources" in shown and "of 6 calls" in shown
    assert len(load_inventory(out).resources) == 2


def test_no_progress_when_stderr_is_not_a_terminal(aws_client, fresh_aws, tmp_path):
    _two_queues(aws_client)
    kmsplan = Path(sys.executable).with_name("kmsplan")
    finished = subprocess.run(
        [str(kmsplan), "scan", "--services", "sqs", "--endpoint-url", fresh_aws, "--regions",
         HOME, "--out", str(tmp_path / "inventory.json")],
        capture_output=True, text=True, timeout=120, check=False)
    assert finished.returncode == 0, finished.stderr
    assert "listing" not in finished.stderr and "reading" not in finished.stderr

