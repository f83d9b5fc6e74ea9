"""Sessions and clients: the caller's account, the accounts to scan, their regions.

Sessions are passed in (the standard credential chain: profiles, SSO, environment); other
accounts are reached by STS AssumeRole. Every client uses botocore's adaptive retry mode and,
when given, one endpoint URL (a local AWS emulator).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

import boto3
from botocore.config import Config

from planner.errors import InputError
from planner.scan.common import pages

ACCOUNT_ID = re.compile(r"^\d{12}$")
SESSION_NAME = "kmsplan-scan"


class Clients:
    """The boto3 clients of one session, one per (service, region), shared by the workers."""

    def __init__(self, session: boto3.Session, endpoint_url: str | None, config: Config,
                 hook: Callable | None = None):
        self.session = session
        self.endpoint_url = endpoint_url
        self.config = config
        self.hook = hook
        self._made: dict[tuple[str, str], object] = {}
        self._lock = threading.Lock()  # making clients is not thread-safe; using them is

    def client(self, service: str, region: str):
        with self._lock:
            made = self._made.get((service, region))
            if made is None:
                made = self.session.client(service, region_name=region,
                                           endpoint_url=self.endpoint_url, config=self.config)
                if self.hook is not None:
                    self.hook(made)
                self._made[service, region] = made
            return made

    def assume(self, account: str, role_name: str, partition: str, region: str) -> Clients:
        """The clients of `account`, through its role `role_name`."""
        sts = self.client("sts", region)
        credentials = sts.assume_role(
            RoleArn=f"arn:{partition}:iam::{account}:role/{role_name}",
            RoleSessionName=SESSION_NAME,
        )["Credentials"]
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        return Clients(session, self.endpoint_url, self.config, self.hook)


def retry_config(workers: int, max_attempts: int) -> Config:
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        max_pool_connections=max(10, workers),
        connect_timeout=10,
        read_timeout=60,
    )


def caller_identity(clients: Clients, region: str) -> tuple[str, str]:
    """(account id, partition) of the credentials in use."""
    identity = clients.client("sts", region).get_caller_identity()
    return identity["Account"], identity["Arn"].split(":")[1]


def org_accounts(clients: Clients, region: str) -> list[str]:
    """The active accounts of the caller's AWS Organization."""
    org = clients.client("organizations", region)
    return [a["Id"] for a in pages(org, "list_accounts", "Accounts")
            if a.get("Status", "ACTIVE") == "ACTIVE"]


def enabled_regions(clients: Clients, region: str) -> list[str]:
    """The regions enabled for the account (opt-in regions only once opted in)."""
    answer = clients.client("ec2", region).describe_regions(AllRegions=False)
    return sorted(r["RegionName"] for r in answer["Regions"]
                  if r.get("OptInStatus") != "not-opted-in")


def read_accounts_file(path: str | Path) -> list[str]:
    """Account ids, one a line; blank lines and # comments ignored."""
    label = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{label}: no such accounts file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{label}: cannot read the accounts file: {exc}") from None
    accounts = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        if not ACCOUNT_ID.match(value):
            raise InputError(f"{label}: line {number}: {value!r} is not a 12-digit account id")
        if value not in accounts:
            accounts.append(value)
    if not accounts:
        raise InputError(f"{label}: no account ids in the file")
    return accounts
