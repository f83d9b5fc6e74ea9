"""Sessions and clients: the caller's account, the accounts to scan, their regions.

Sessions are passed in (the standard credential chain: profiles, SSO, environment); other
accounts are reached by STS AssumeRole, with credentials that refresh themselves. Every
client uses botocore's adaptive retry mode and, when given, one endpoint URL (a local AWS
emulator).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from pathlib import Path

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import CredentialProvider, CredentialResolver, RefreshableCredentials

from planner.errors import InputError
from planner.scan.common import MalformedResponse, need, pages
from planner.yamlfile import read_text

ACCOUNT_ID = re.compile(r"[0-9]{12}")  # with fullmatch: 12 ASCII digits, nothing else
SESSION_NAME = "kmsplan-scan"
CREDENTIALS_METHOD = "kmsplan-assume-role"


class Clients:
    """The boto3 clients of one session, one per (service, region), shared by the workers."""

    def __init__(self, session: boto3.Session, endpoint_url: str | None, config: Config,
                 hook: Callable | None = None, clock: Callable[[], dt.datetime] | None = None):
        self.session = session
        self.endpoint_url = endpoint_url
        self.config = config
        self.hook = hook
        self.clock = clock or utc_now  # when assumed-role credentials are due for refresh
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
        """The clients of `account`, through its role `role_name`.

        The role's credentials last an hour; a large scan runs longer. They refresh
        themselves (a new AssumeRole through this object's STS client, so through the same
        endpoint and hooks) when less than 15 minutes are left, and every thread waits for
        the new ones when less than 10 are. The first AssumeRole happens here, so a role
        that cannot be assumed fails now, for this account only.
        """
        sts = self.client("sts", region)
        role_arn = f"arn:{partition}:iam::{account}:role/{role_name}"

        def fetch() -> dict:
            answer = sts.assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME)
            return {"access_key": need(answer, "Credentials", "AccessKeyId"),
                    "secret_key": need(answer, "Credentials", "SecretAccessKey"),
                    "token": need(answer, "Credentials", "SessionToken"),
                    "expiry_time": need(answer, "Credentials", "Expiration").isoformat()}

        first = fetch()
        credentials = RefreshableCredentials(
            first["access_key"], first["secret_key"], first["token"],
            dt.datetime.fromisoformat(first["expiry_time"]), refresh_using=fetch,
            method=CREDENTIALS_METHOD, time_fetcher=self.clock)
        botocore_session = botocore.session.Session()
        botocore_session.register_component(
            "credential_provider", CredentialResolver([_Fixed(credentials)]))
        session = boto3.Session(botocore_session=botocore_session)
        return Clients(session, self.endpoint_url, self.config, self.hook, self.clock)


class _Fixed(CredentialProvider):
    """Hands a botocore session the refreshable credentials of one assumed role."""

    METHOD = CREDENTIALS_METHOD

    def __init__(self, credentials: RefreshableCredentials):
        super().__init__()
        self._credentials = credentials

    def load(self) -> RefreshableCredentials:
        return self._credentials


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Seconds to open a connection and to wait for an answer's next bytes, for every client
# (docs/limits.md). A region that stays silent past them on every retry is given up.
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 60


def retry_config(workers: int, max_attempts: int, connect_timeout: float = CONNECT_TIMEOUT,
                 read_timeout: float = READ_TIMEOUT) -> Config:
    return Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        max_pool_connections=max(10, workers),
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
    )


def caller_identity(clients: Clients, region: str) -> tuple[str, str]:
    """(account id, partition) of the credentials in use."""
    identity = clients.client("sts", region).get_caller_identity()
    arn = need(identity, "Arn").split(":")
    if len(arn) < 6 or not arn[1]:
        raise MalformedResponse(f"GetCallerIdentity named no partition in {identity['Arn']!r}")
    return need(identity, "Account"), arn[1]


def org_accounts(clients: Clients, region: str) -> list[str]:
    """The active accounts of the caller's AWS Organization."""
    org = clients.client("organizations", region)
    return [need(a, "Id") for a in pages(org, "list_accounts", "Accounts")
            if a.get("Status", "ACTIVE") == "ACTIVE"]


def enabled_regions(clients: Clients, region: str) -> list[str]:
    """The regions enabled for the account (opt-in regions only once opted in)."""
    answer = clients.client("ec2", region).describe_regions(AllRegions=False)
    return sorted(need(r, "RegionName") for r in need(answer, "Regions")
                  if r.get("OptInStatus") != "not-opted-in")


def read_accounts_file(path: str | Path) -> list[str]:
    """Account ids, one a line; blank lines and # comments ignored."""
    label = str(path)
    if not Path(path).exists():
        raise InputError(f"{label}: no such accounts file")
    text = read_text(path, "accounts file")
    accounts = []
    # Lines end in \n only: a CR (CRLF line ends) or another break inside a line is refused
    # rather than silently stripped, as are non-ASCII digits (Python's \d takes "١").
    for number, line in enumerate(text.split("\n"), start=1):
        value = line.split("#", 1)[0].strip(" \t")
        if not value:
            continue
        if "\r" in value:
            raise InputError(f"{label}: line {number}: a carriage return (CRLF line ends); "
                             "save the file with LF line ends")
        if not ACCOUNT_ID.fullmatch(value):
            raise InputError(f"{label}: line {number}: {value!r} is not a 12-digit account id")
        if value not in accounts:
            accounts.append(value)
    if not accounts:
        raise InputError(f"{label}: no account ids in the file")
    return accounts
