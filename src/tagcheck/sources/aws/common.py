"""What a collector gets and gives: clients, paginators, the Resource factory, errors.

A collector is a function ``collect(ctx) -> Outcome`` for one account × region (or one
account, for global services). It lists a service directly — the Resource Groups
Tagging API does not return resources that were never tagged — and maps each item to
the :class:`~tagcheck.model.Resource` the Terraform source would produce: the
Terraform type, the ARN as address and location, tags read from the account, and
attributes named as the Terraform arguments, plus ``attributes["live"]`` for evidence
only the account has (state, attachment, age, CPU history).

A failure to list is the task's failure (a coverage entry). A failure on one item —
its tags, its lifecycle — must not lose the item: :meth:`CollectContext.try_read`
records it (the coverage entry then says what was partial) and the item is kept with
unknown tags, which TAG005 reports with the reason.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from botocore.exceptions import BotoCoreError, ClientError

from tagcheck.model import Location, Origin, Resource, TagSet, TagSource, TagValue
from tagcheck.sources.aws.session import AccountSession, partition_of

DENIED_CODES = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError",
    "AuthorizationErrorException", "Forbidden", "403", "AccessDeniedFault", "NotAuthorized",
})
REGION_CODES = frozenset({"OptInRequired", "AuthFailure", "UnrecognizedClientException", "InvalidClientTokenId",
                          "SubscriptionRequiredException"})


def error_code(exc: ClientError) -> str:
    return str((exc.response.get("Error") or {}).get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))


def classify(exc: BaseException) -> tuple[str, str]:
    """(coverage status, one-line message) for an exception from a collector."""
    if isinstance(exc, ClientError):
        code = error_code(exc)
        text = (exc.response.get("Error") or {}).get("Message") or ""
        where = f"{exc.operation_name}: " if getattr(exc, "operation_name", None) else ""
        if code in DENIED_CODES:
            return "denied", f"{where}{code}: {text}".strip()
        if code in REGION_CODES:
            return "error", f"{where}{code}: {text} (is the region enabled for this account?)".strip()
        return "error", f"{where}{code}: {text}".strip()
    if isinstance(exc, BotoCoreError):
        return "error", f"{type(exc).__name__}: {exc}"
    return "error", f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Task:
    """One unit of concurrent work: a collector for one account and region."""

    service: str  # coverage service, e.g. "ec2"
    collector: str  # e.g. "instances"
    account: str
    region: str  # where the API is called
    scope: str  # region shown in coverage ("global" for S3's listing)
    run: Callable[["CollectContext"], "Outcome"]


@dataclass
class Outcome:
    resources: list[Resource] = field(default_factory=list)
    more: list[Task] = field(default_factory=list)  # follow-up tasks (S3 bucket details, CPU metrics)
    live_updates: dict[str, dict[str, Any]] = field(default_factory=dict)  # ARN → keys merged into attributes["live"]
    skipped: Counter = field(default_factory=Counter)


@dataclass
class AuditSettings:
    """What every collector may need to know about the run."""

    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    metrics_days: int = 14
    page_size: int | None = None  # small pages in tests; None: the service's default
    now: datetime.datetime | None = None


class CollectContext:
    def __init__(self, session: AccountSession, region: str, settings: AuditSettings, service: str = ""):
        self.session = session
        self.account = session.account
        self.region = region
        self.partition = partition_of(region)
        self.settings = settings
        self.service = service
        self.now = settings.now or datetime.datetime.now(datetime.timezone.utc)
        self.partial: list[tuple[str, str]] = []  # (status, message) of per-item reads that failed

    def client(self, service: str, region: str | None = None) -> Any:
        return self.session.client(service, region or self.region)

    def pages(self, client: Any, operation: str, key: str, *, page_size: bool = True, **params: Any) -> Iterator[Any]:
        """Every item of every page. ``page_size=False`` for listings where setting a
        page size misbehaves (S3 ListBuckets drops the continuation token in moto)."""
        paginator = client.get_paginator(operation)
        config = {"PageSize": self.settings.page_size} if page_size and self.settings.page_size else {}
        for page in paginator.paginate(**params, PaginationConfig=config):
            yield from page.get(key) or []

    def try_read(self, what: str, call: Callable[[], Any], *, absent: tuple[str, ...] = (), default: Any = None
                 ) -> tuple[bool, Any]:
        """(True, value) or, when the read fails, (False, reason) — recorded for coverage.
        Error codes in ``absent`` mean "there is none" (NoSuchTagSet): (True, default)."""
        try:
            return True, call()
        except ClientError as exc:
            if error_code(exc) in absent:
                return True, default
            status, message = classify(exc)
            self.partial.append((status, f"{what}: {message}"))
            return False, message
        except BotoCoreError as exc:
            status, message = classify(exc)
            self.partial.append((status, f"{what}: {message}"))
            return False, message

    def arn(self, service: str, resource: str, *, region: str | None = None, account: str | None = None) -> str:
        region = self.region if region is None else region
        account = self.account if account is None else account
        return f"arn:{self.partition}:{service}:{region}:{account}:{resource}"

    def resource(self, rtype: str, arn: str, tags: TagSet | Mapping[str, str] | None, attributes: Mapping[str, Any],
                 live: Mapping[str, Any], *, region: Any = None) -> Resource:
        if tags is not None and not isinstance(tags, TagSet):
            tags = tagset(tags)
        return Resource(address=arn, type=rtype, origin=Origin.AWS, location=Location(arn=arn), tags=tags,
                        attributes={**attributes, "live": dict(live)}, region=self.region if region is None else region,
                        account=self.account)


def tagset(tags: Mapping[str, Any]) -> TagSet:
    return TagSet({str(k): TagValue("" if v is None else str(v), TagSource.ACCOUNT) for k, v in tags.items()})


def unknown_tags(reason: str) -> TagSet:
    return TagSet({}, complete=False, unknown_reason=f"tags not readable: {reason}")


def pairs(items: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    """[{Key, Value}, …] (or key/value in lower case, as ECS spells it) → dict."""
    return {i[key]: i.get(value) for i in items or [] if isinstance(i, dict) and key in i}


def iso(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc).isoformat()
    if isinstance(value, (int, float)):  # CloudWatch Logs: epoch milliseconds
        return datetime.datetime.fromtimestamp(value / 1000, datetime.timezone.utc).isoformat()
    return value if isinstance(value, str) else None


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
