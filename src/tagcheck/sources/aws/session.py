"""Credentials, accounts and regions for the audit — and the guard that keeps it read-only.

Every boto3 session the audit makes goes through :func:`hooked`, which registers one
``before-call`` handler: it counts the call (for ``scan_info["api_calls"]``) and refuses
any operation that is not a read (``Describe*``/``List*``/``Get*``, plus
``sts:AssumeRole``) by raising :class:`ReadOnlyViolation` *before* the request is
signed. A refusal is a bug in tagcheck, so the audit lets it crash the run (exit 3).

Clients retry in botocore's adaptive mode (client-side rate limiting on throttles).
boto3 sessions are not thread-safe but clients are, so :class:`AccountSession`
creates clients under a lock and the worker threads share them.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any, Iterable

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError, ProfileNotFound

READ_PREFIXES = ("Describe", "List", "Get")
ALSO_ALLOWED = frozenset({"AssumeRole"})  # sts:GetCallerIdentity is a Get
FALLBACK_REGION = "us-east-1"
ROLE_SESSION_NAME = "tagcheck-audit"


class ReadOnlyViolation(RuntimeError):
    """tagcheck tried to call an operation that is not a read: a bug, never sent."""


class AuditInputError(Exception):
    """The audit cannot start: bad profile, no credentials, bad account list (exit 2)."""


def is_read_only(operation: str) -> bool:
    return operation.startswith(READ_PREFIXES) or operation in ALSO_ALLOWED


class CallCounter:
    """Counts API calls by ``service:Operation`` across threads; refuses writes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_operation: Counter[str] = Counter()

    def before_call(self, model: Any = None, **_: Any) -> None:
        name = model.name
        service = model.service_model.service_name
        if not is_read_only(name):
            raise ReadOnlyViolation(f"refusing {service}:{name}: the audit only calls read operations")
        with self._lock:
            self.by_operation[f"{service}:{name}"] += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.by_operation.values())

    def by_service(self) -> dict[str, int]:
        with self._lock:
            out: Counter[str] = Counter()
            for key, count in self.by_operation.items():
                out[key.split(":", 1)[0]] += count
            return dict(sorted(out.items()))


def client_config(max_attempts: int = 10, max_pool_connections: int = 10) -> Config:
    return Config(retries={"mode": "adaptive", "max_attempts": max_attempts},
                  max_pool_connections=max_pool_connections, user_agent_extra="tagcheck-audit")


def hooked(session: boto3.Session, counter: CallCounter) -> boto3.Session:
    session.events.register("before-call", counter.before_call, unique_id="tagcheck-read-only-counter")
    return session


class AccountSession:
    """One account's session; clients cached per (service, region)."""

    def __init__(self, session: boto3.Session, account: str, config: Config):
        self.session = session
        self.account = account
        self.config = config
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self.session.client(service, region_name=region, config=self.config)
            return self._clients[key]


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def base_session(profile: str | None, counter: CallCounter) -> boto3.Session:
    try:
        return hooked(boto3.Session(profile_name=profile), counter)
    except ProfileNotFound as exc:
        raise AuditInputError(f"--profile {profile}: {exc}") from None


def home_region(session: boto3.Session) -> str:
    """The session's region (profile, AWS_REGION, AWS_DEFAULT_REGION), else us-east-1."""
    return session.region_name or FALLBACK_REGION


def caller_account(session: AccountSession | boto3.Session, region: str, config: Config | None = None) -> str:
    """sts:GetCallerIdentity; no credentials at all is bad input, not a coverage gap."""
    try:
        if isinstance(session, AccountSession):
            sts = session.client("sts", region)
        else:
            sts = session.client("sts", region_name=region, config=config)
        return sts.get_caller_identity()["Account"]
    except (NoCredentialsError, NoRegionError) as exc:
        raise AuditInputError(f"no usable AWS credentials: {exc}; name a profile with --profile NAME (or set "
                              "AWS_PROFILE / AWS_ACCESS_KEY_ID), or try the simulated account: tagcheck aws --demo"
                              ) from None
    except ClientError as exc:
        raise AuditInputError(f"cannot identify the AWS account (sts:GetCallerIdentity): {exc}") from None
    except BotoCoreError as exc:
        raise AuditInputError(f"cannot reach AWS STS: {exc}") from None


def enabled_regions(session: AccountSession, region: str) -> list[str]:
    """The regions enabled for the account (ec2:DescribeRegions without AllRegions)."""
    try:
        regions = session.client("ec2", region).describe_regions()["Regions"]
    except (ClientError, BotoCoreError) as exc:
        raise AuditInputError(f"--all-regions: cannot list the account's regions (ec2:DescribeRegions): {exc}") from None
    return sorted(r["RegionName"] for r in regions
                  if r.get("OptInStatus", "opt-in-not-required") in ("opt-in-not-required", "opted-in"))


def organization_accounts(session: AccountSession, region: str) -> list[str]:
    """ACTIVE member accounts of the organisation (organizations:ListAccounts)."""
    try:
        pages = session.client("organizations", region).get_paginator("list_accounts").paginate()
        accounts = [a for page in pages for a in page.get("Accounts", [])]
    except (ClientError, BotoCoreError) as exc:
        raise AuditInputError(f"--organization: cannot list the organisation's accounts "
                              f"(organizations:ListAccounts, from the management or a delegated admin account): {exc}") from None
    return sorted(a["Id"] for a in accounts if (a.get("State") or a.get("Status")) == "ACTIVE")


def role_arn(role: str, account: str, partition: str) -> str:
    return f"arn:{partition}:iam::{account}:role/{role.strip('/')}"


def assume(base: AccountSession, account: str, role: str, region: str, counter: CallCounter) -> AccountSession:
    """A session in ``account`` through ``role``; the credentials refresh themselves
    (sts:AssumeRole again) when they near expiry, so long audits do not fail midway."""
    arn = role_arn(role, account, partition_of(region))
    sts = base.client("sts", region)

    def fetch() -> dict[str, str]:
        creds = sts.assume_role(RoleArn=arn, RoleSessionName=ROLE_SESSION_NAME)["Credentials"]
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"], "expiry_time": creds["Expiration"].isoformat()}

    credentials = RefreshableCredentials.create_from_metadata(metadata=fetch(), refresh_using=fetch,
                                                              method="sts-assume-role")
    core = botocore.session.get_session()
    core._credentials = credentials  # the documented way botocore itself wires refreshable credentials
    session = hooked(boto3.Session(botocore_session=core, region_name=region), counter)
    return AccountSession(session, account, base.config)


def parse_accounts(text: str) -> list[str]:
    """``"111122223333, 444455556666"`` → ids; ValueError on anything else."""
    ids = [part.strip() for part in text.split(",") if part.strip()]
    bad = [i for i in ids if not (len(i) == 12 and i.isdigit())]
    if bad or not ids:
        raise ValueError(f"--accounts: expected 12-digit account ids separated by commas, got {', '.join(bad) or 'none'}")
    return sorted(set(ids))


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
