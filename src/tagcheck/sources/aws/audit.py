"""The live audit: accounts × regions × collectors on one bounded thread pool.

Every collector runs as a :class:`~tagcheck.sources.aws.common.Task` for one account
and region (S3's listing once per account); a task may return follow-up tasks (CPU
metrics for the instances it found, S3 bucket details in batches), which join the same
pool, so ``--max-workers`` bounds everything and nothing waits on a nested pool.

Every task ends as one coverage entry ``{account, region, service, collector, status,
message, resources}``: ``ok``; ``denied`` (AccessDenied/UnauthorizedOperation); or
``error`` (an opt-in region, an unreachable endpoint, anything else). ``partial: true``
marks a task that listed its items but could not read something about some of them
(their tags, a lifecycle): those items are kept with what could be read. A task never
crashes the audit and never leaves a silent gap — except a :class:`ReadOnlyViolation`,
which is a bug and stops the run.
"""

from __future__ import annotations

import datetime
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError

from tagcheck.model import Resource
from tagcheck.sources.aws import (autoscaling, awslambda, costexplorer, dynamodb, ec2, ecs, efs, eks, elasticache,
                                  elbv2, logs, rds, s3)
from tagcheck.sources.aws.common import AuditSettings, CollectContext, Outcome, Task, classify
from tagcheck.sources.aws.services import SERVICES
from tagcheck.sources.aws.session import (AccountSession, CallCounter, ReadOnlyViolation, assume, base_session,
                                          caller_account, client_config, enabled_regions, home_region,
                                          organization_accounts)

COLLECTORS: dict[str, dict[str, Callable[[CollectContext], Outcome]]] = {
    "ec2": ec2.COLLECTORS, "elbv2": elbv2.COLLECTORS, "autoscaling": autoscaling.COLLECTORS, "rds": rds.COLLECTORS,
    "s3": s3.COLLECTORS, "lambda": awslambda.COLLECTORS, "dynamodb": dynamodb.COLLECTORS, "eks": eks.COLLECTORS,
    "ecs": ecs.COLLECTORS, "elasticache": elasticache.COLLECTORS, "efs": efs.COLLECTORS, "logs": logs.COLLECTORS,
}
GLOBAL_SERVICES = frozenset({"s3"})
_RANK = {"ok": 0, "denied": 1, "error": 2}


@dataclass(frozen=True)
class Progress:
    """The audit so far, as ``AuditOptions.progress`` hears it after each task (and once
    before the first). Every total is fixed before any task runs: the units are the
    collectors of the task list (:func:`_tasks`), and a collector is done — counted once,
    with the worst status of its parts — when it and its follow-up tasks (S3 bucket batches,
    CPU metrics) have all finished. A region (an account) is done when all its collectors
    are; S3's listing is per account, in no region. ``resources`` counts distinct addresses,
    as :class:`AuditResult` holds them, so the last snapshot is what the summary says."""

    collectors: int = 0
    collectors_total: int = 0
    regions: int = 0
    regions_total: int = 0
    accounts: int = 0
    accounts_total: int = 0
    resources: int = 0
    denied: int = 0
    errors: int = 0

    @property
    def ok(self) -> int:
        return self.collectors - self.denied - self.errors


@dataclass
class AuditOptions:
    profile: str | None = None
    regions: tuple[str, ...] = ()
    all_regions: bool = False
    services: tuple[str, ...] = SERVICES
    assume_role: str | None = None
    accounts: tuple[str, ...] = ()
    organization: bool = False
    max_workers: int = 8
    metrics_days: int = 14
    cost_explorer: bool = False
    cost_tag_keys: tuple[str, ...] = ()
    page_size: int | None = None
    max_attempts: int = 10
    today: datetime.date | None = None
    progress: Callable[[Progress], None] | None = None


@dataclass
class AuditResult:
    resources: list[Resource]
    coverage: list[dict[str, Any]]
    accounts: list[str]
    regions: list[str]
    services: list[str]
    api_calls: int
    api_calls_by_service: dict[str, int]
    skipped: dict[str, int] = field(default_factory=dict)
    cost_explorer: dict[str, Any] | None = None
    progress: Progress = field(default_factory=Progress)  # the last snapshot: the collectors' final counts

    def scan_info(self) -> dict[str, Any]:
        """What ``tagcheck aws`` passes to the engine as ``summary["scan"]``."""
        info: dict[str, Any] = {"source": "aws", "accounts": self.accounts, "regions": self.regions,
                                "services": self.services, "coverage": self.coverage, "api_calls": self.api_calls,
                                "api_calls_by_service": self.api_calls_by_service, "skipped": self.skipped,
                                "coverage_problems": sum(1 for c in self.coverage if c["status"] != "ok" or c.get("partial"))}
        if self.cost_explorer is not None:
            info["cost_explorer"] = self.cost_explorer
        return info


def _entry(task: Task, status: str, message: str, resources: int, partial: bool = False) -> dict[str, Any]:
    entry = {"account": task.account, "region": task.scope, "service": task.service, "collector": task.collector,
             "status": status, "message": message, "resources": resources}
    if partial:
        entry["partial"] = True
    return entry


def _run(task: Task, session: AccountSession, settings: AuditSettings) -> tuple[Outcome, dict[str, Any]]:
    ctx = CollectContext(session, task.region, settings, task.service)
    try:
        outcome = task.run(ctx)
    except ReadOnlyViolation:
        raise
    except Exception as exc:  # a denied or broken service is a coverage entry, never a crash
        status, message = classify(exc)
        return Outcome(), _entry(task, status, message, 0)
    count = len(outcome.resources) + len(outcome.live_updates)
    if not ctx.partial:
        return outcome, _entry(task, "ok", "", count)
    status = "denied" if any(s == "denied" for s, _ in ctx.partial) else "error"
    shown = "; ".join(m for _, m in ctx.partial[:3]) + (f"; … {len(ctx.partial) - 3} more" if len(ctx.partial) > 3 else "")
    return outcome, _entry(task, status, f"{len(ctx.partial)} reads failed (items kept): {shown}", count, partial=True)


def _merge(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per (account, region, service, collector): follow-up batches fold in."""
    merged: dict[tuple, dict[str, Any]] = {}
    for entry in entries:
        key = (entry["account"], entry["region"], entry["service"], entry["collector"])
        if key not in merged:
            merged[key] = dict(entry)
            continue
        into = merged[key]
        into["resources"] += entry["resources"]
        if _RANK[entry["status"]] > _RANK[into["status"]]:
            into["status"] = entry["status"]
        if entry["message"] and entry["message"] not in into["message"]:
            into["message"] = "; ".join(m for m in (into["message"], entry["message"]) if m)
        if entry.get("partial"):
            into["partial"] = True
    return sorted(merged.values(), key=lambda e: (e["account"], e["region"], e["service"], e["collector"]))


class _Tally:
    """Counts for :class:`Progress`: which collector each task belongs to, and when a
    collector, a region and an account are done."""

    def __init__(self, tasks: list[Task]):
        self.pending = [1] * len(tasks)  # per collector: its tasks not finished yet
        self.status = ["ok"] * len(tasks)
        self.left = {"regions": Counter(t.scope for t in tasks if t.scope != "global"),
                     "accounts": Counter(t.account for t in tasks)}
        self.keys = [{"regions": t.scope, "accounts": t.account} for t in tasks]
        self.done = Counter()
        self.addresses: set[str] = set()
        self.totals = {"collectors_total": len(tasks), "regions_total": len(self.left["regions"]),
                       "accounts_total": len(self.left["accounts"])}

    def added(self, collector: int, count: int) -> None:
        self.pending[collector] += count

    def finished(self, collector: int, status: str, outcome: Outcome) -> None:
        self.addresses.update(r.address for r in outcome.resources)
        if _RANK[status] > _RANK[self.status[collector]]:
            self.status[collector] = status
        self.pending[collector] -= 1
        if self.pending[collector]:
            return
        self.done["collectors"] += 1
        self.done[self.status[collector]] += 1
        for kind, key in self.keys[collector].items():
            if key in self.left[kind]:
                self.left[kind][key] -= 1
                if not self.left[kind][key]:
                    self.done[kind] += 1

    def snapshot(self) -> Progress:
        return Progress(collectors=self.done["collectors"], regions=self.done["regions"],
                        accounts=self.done["accounts"], resources=len(self.addresses), denied=self.done["denied"],
                        errors=self.done["error"], **self.totals)


class _Pool:
    """A thread pool whose tasks may add tasks; reports progress as tasks finish."""

    def __init__(self, sessions: dict[str, AccountSession], settings: AuditSettings, workers: int,
                 progress: Callable[[Progress], None] | None):
        self.sessions, self.settings, self.workers, self.progress = sessions, settings, workers, progress

    def run(self, tasks: list[Task]) -> tuple[list[Outcome], list[dict[str, Any]], Progress]:
        outcomes, entries = [], []
        tally = _Tally(tasks)
        if self.progress is not None:
            self.progress(tally.snapshot())
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="tagcheck-aws") as pool:
            # each pending task with the index of the collector (in ``tasks``) it belongs to
            pending: dict[Future, int] = {pool.submit(_run, t, self.sessions[t.account], self.settings): i
                                          for i, t in enumerate(tasks)}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    collector = pending.pop(future)
                    outcome, entry = future.result()  # only a ReadOnlyViolation escapes _run
                    outcomes.append(outcome)
                    entries.append(entry)
                    for more in outcome.more:
                        pending[pool.submit(_run, more, self.sessions[more.account], self.settings)] = collector
                    tally.added(collector, len(outcome.more))
                    tally.finished(collector, entry["status"], outcome)
                    if self.progress is not None:
                        self.progress(tally.snapshot())
        return outcomes, entries, tally.snapshot()


def _accounts(options: AuditOptions, base: AccountSession, region: str, counter: CallCounter
              ) -> tuple[dict[str, AccountSession], list[dict[str, Any]]]:
    if not options.assume_role:
        return {base.account: base}, []
    ids = list(options.accounts) or organization_accounts(base, region)
    sessions: dict[str, AccountSession] = {}
    entries = []

    def one(account: str) -> tuple[str, AccountSession | None, dict[str, Any]]:
        entry = {"account": account, "region": "global", "service": "sts", "collector": "assume role",
                 "status": "ok", "message": "", "resources": 0}
        if account == base.account:  # the caller's own account: its credentials already reach it
            return account, base, {**entry, "message": "caller's own account: audited with the caller's credentials"}
        try:
            return account, assume(base, account, options.assume_role, region, counter), entry
        except (ClientError, BotoCoreError) as exc:
            status, message = classify(exc)
            return account, None, {**entry, "status": status, "message": f"{message} (account not audited)"}

    with ThreadPoolExecutor(max_workers=options.max_workers) as pool:
        for account, session, entry in pool.map(one, ids):
            entries.append(entry)
            if session is not None:
                sessions[account] = session
    return sessions, entries


def _tasks(sessions: dict[str, AccountSession], services: tuple[str, ...], regions: list[str], home: str) -> list[Task]:
    tasks = []
    for account in sessions:
        for service in services:
            for name, collect in COLLECTORS.get(service, {}).items():
                if service in GLOBAL_SERVICES:
                    tasks.append(Task(service, name, account, home, "global", collect))
                else:
                    tasks.extend(Task(service, name, account, region, region, collect) for region in regions)
    return tasks


def _apply_updates(resources: dict[str, Resource], outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        for arn, update in outcome.live_updates.items():
            resource = resources.get(arn)
            if resource is not None:
                live = {**(resource.attributes.get("live") or {}), **update}
                resources[arn] = replace(resource, attributes={**resource.attributes, "live": live})


def run_audit(options: AuditOptions) -> AuditResult:
    """Collect every selected service of every account and region. Raises
    :class:`~tagcheck.sources.aws.session.AuditInputError` when the audit cannot start."""
    counter = CallCounter()
    config = client_config(options.max_attempts, max(10, options.max_workers))
    boto = base_session(options.profile, counter)
    # identity, Organizations, S3's listing and Cost Explorer are called from the session's own
    # region (a --region that turns out not to be enabled must not stop the audit), else from the
    # first --region (the right partition), else us-east-1
    home = boto.region_name or (options.regions[0] if options.regions else home_region(boto))
    base = AccountSession(boto, "", config)
    base.account = caller_account(base, home)
    regions = list(options.regions) or (enabled_regions(base, home) if options.all_regions else [home])
    sessions, coverage = _accounts(options, base, home, counter)
    settings = AuditSettings(regions=tuple(regions), services=tuple(options.services),
                             metrics_days=options.metrics_days, page_size=options.page_size,
                             now=datetime.datetime.now(datetime.timezone.utc))
    outcomes, entries, progress = _Pool(sessions, settings, options.max_workers, options.progress).run(
        _tasks(sessions, options.services, regions, home))
    resources: dict[str, Resource] = {}
    skipped: Counter = Counter()
    for outcome in outcomes:
        for resource in outcome.resources:
            resources[resource.address] = resource
        skipped.update(outcome.skipped)
    _apply_updates(resources, outcomes)
    cost_explorer = None
    if options.cost_explorer:
        cost_explorer, entry = costexplorer.cost_by_tag(base, options.cost_tag_keys, home,
                                                        options.today or datetime.date.today())
        coverage.append(entry)
    ordered = sorted(resources.values(), key=lambda r: (r.account or "", str(r.region), r.type, r.address))
    return AuditResult(resources=ordered, coverage=_merge(coverage + entries), accounts=sorted(sessions),
                       regions=regions, services=list(options.services), api_calls=counter.total,
                       api_calls_by_service=counter.by_service(), skipped=dict(sorted(skipped.items())),
                       cost_explorer=cost_explorer, progress=progress)
