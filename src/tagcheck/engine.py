"""Run the rules over resources and make a :class:`RunResult`.

Order of work: source problems become TC findings; every enabled rule runs on every
resource (a crash becomes TC000 and the run goes on); the policy's severity overrides
apply; inline ``tagcheck:ignore`` comments and policy ``ignore`` entries move findings
to ``suppressed``; suppressions that matched nothing, and expired ignore entries,
become TC002. Findings are sorted by file, line, rule.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import replace
from typing import Sequence

from tagcheck.cost.allocation import allocation, cost_summary
from tagcheck.cost.estimate import CostModel
from tagcheck.model import Finding, Location, Note, Resource, RunResult, Severity, SourceProblem, Summary
from tagcheck.rules import ALL_RULES, RULES_BY_ID, Rule, RuleContext

def run(resources: Sequence[Resource], problems: Sequence[SourceProblem], policy, *,
        today: datetime.date | None = None, rules: Sequence[Rule] = ALL_RULES, prices=None,
        scan_info: dict | None = None, baseline=None, usage=None) -> RunResult:
    """``prices``: a PriceBook; default: the catalogue with the policy's ``cost`` overrides.
    ``scan_info``: what the source says about its input (skipped resources …), kept in
    ``summary.scan``. ``baseline``: a :class:`~tagcheck.baseline.Baseline` whose
    findings are hidden (counted in ``summary.baseline``). ``usage``: the quantities of a
    usage file (cost/usage.py)."""
    today = today or datetime.date.today()
    costs = CostModel(prices if prices is not None else pricebook_for(policy), resources, today, usage)
    ctx = RuleContext(policy=policy, today=today, resources=tuple(resources), costs=costs)
    enabled = [r for r in rules if r.check is not None and policy.rule_config(r.id).enabled]

    raw: list[Finding] = [_from_problem(p, policy) for p in problems if policy.rule_config(p.rule).enabled]
    by_type: dict[str, list[Rule]] = {}
    for resource in resources:
        applicable = by_type.get(resource.type)
        if applicable is None:
            applicable = by_type[resource.type] = [r for r in enabled if r.resource_types is None
                                                   or resource.type in r.resource_types]
        for rule in applicable:
            found = _run_rule(rule, resource, ctx, policy)
            if found:
                raw.extend(found)
    raw = [_with_cost(f, costs) for f in raw]

    kept, suppressed, used_inline, used_ignores = _suppress(raw, policy, today)
    kept.extend(_stale_suppressions(resources, used_inline, policy, today, used_ignores))
    kept.sort(key=Finding.sort_key)
    baseline_info = None
    if baseline is not None:
        kept, baseline_info = _apply_baseline(kept, baseline)
    scan = dict(scan_info or {})
    if baseline_info is not None:
        scan["baselined"] = baseline_info["matched"]
    summary = summarize(kept, suppressed, resources, policy, costs, scan=scan, baseline=baseline_info)
    return RunResult(findings=tuple(kept), resources=tuple(resources), suppressed=tuple(suppressed),
                     notes=tuple(_notes(policy)), summary=summary)


def _apply_baseline(findings: list[Finding], baseline) -> tuple[list[Finding], dict]:
    new = [f for f in findings if f.fingerprint() not in baseline.fingerprints]
    seen = {f.fingerprint() for f in findings}
    fixed = sorted(baseline.fingerprints - seen)
    return new, {"matched": len(findings) - len(new), "new": len(new), "fixed": fixed}


def pricebook_for(policy):
    """The price catalogue with the policy's ``cost.prices`` / ``cost.spot_discount`` applied.

    Raises ValueError for a price file that cannot be read (the CLI makes it exit 2)."""
    from tagcheck.catalog.prices import PriceBook, default_pricebook, load_overrides
    from pathlib import Path

    cost = policy.cost
    if not cost.prices and not cost.spot_discount:
        return default_pricebook()
    base_dir = Path(policy.source).parent if policy.source else None
    overrides = dict(load_overrides(cost.prices, base_dir)) if cost.prices else {}
    if cost.spot_discount:
        overrides["spot_discount"] = {**overrides.get("spot_discount", {}), **cost.spot_discount}
    return PriceBook(overrides)


def _with_cost(finding: Finding, costs: CostModel) -> Finding:
    """Every finding on a resource that costs money carries the resource's monthly cost."""
    if finding.resource is None or finding.monthly_cost_usd is not None:
        return finding
    monthly = costs.estimate(finding.resource).monthly_usd
    return replace(finding, monthly_cost_usd=monthly) if monthly else finding


def _severity(rule: Rule, policy) -> Severity:
    configured = policy.rule_config(rule.id).severity
    return Severity(configured) if configured else rule.severity


def _from_problem(problem: SourceProblem, policy) -> Finding:
    rule = RULES_BY_ID[problem.rule]
    return Finding(rule=rule.id, severity=_severity(rule, policy), lever=rule.lever, message=problem.message,
                   location=problem.location, details=dict(problem.details))


def _run_rule(rule: Rule, resource: Resource, ctx: RuleContext, policy) -> list[Finding]:
    """The rule's findings on one resource (a list, not a generator: a large scan makes
    a hundred thousand of these calls, and most find nothing)."""
    location = resource.location
    try:
        hits = list(rule.check(resource, ctx))
    except Exception as exc:  # a rule bug must not stop the run (DESIGN.md §1)
        import traceback  # only when it is needed: it costs start-up time on every run
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        crash = RULES_BY_ID["TC000"]
        return [Finding(rule=crash.id, severity=_severity(crash, policy), lever=crash.lever,
                        message=f"rule {rule.id} crashed on {resource.address}: {type(exc).__name__}: {exc} "
                                f"(at {frame.name}:{frame.lineno}; please report this)",
                        location=location, resource=resource, key=rule.id,
                        details={"rule": rule.id, "exception": type(exc).__name__})]
    if not hits:
        return hits
    severity = _severity(rule, policy)
    return [Finding(rule=rule.id, severity=severity, lever=rule.lever, message=hit.message, location=location,
                    resource=resource, details=dict(hit.details), key=hit.key, fix=hit.fix,
                    monthly_cost_usd=hit.monthly_cost_usd, monthly_saving_usd=hit.monthly_saving_usd)
            for hit in hits]


def _inline_key(resource: Resource) -> tuple:
    return (resource.location.file, resource.location.line)


def _suppress(findings: list[Finding], policy, today: datetime.date):
    kept, suppressed = [], []
    used_inline: set[tuple] = set()  # (file, line, rule)
    used_ignores: set[int] = set()
    for finding in findings:
        resource = finding.resource
        if resource is not None and finding.rule != "TC000":
            marks = resource.suppressed_rules
            matched = next((m for m in (finding.rule, "ALL", "*") if m in marks), None)
            if matched:
                used_inline.add((*_inline_key(resource), matched))
                suppressed.append(finding)
                continue
        address = resource.address if resource else (finding.location.file or "")
        entry = next((i for i, e in enumerate(policy.ignores)
                      if e.matches(finding.rule, address) and not e.expired(today)), None)
        if entry is not None:
            used_ignores.add(entry)
            suppressed.append(finding)
            continue
        kept.append(finding)
    return kept, suppressed, used_inline, used_ignores


def _stale_suppressions(resources: Sequence[Resource], used_inline: set, policy, today: datetime.date,
                        used_ignores: set[int]) -> list[Finding]:
    rule = RULES_BY_ID["TC002"]
    severity = _severity(rule, policy)
    if not policy.rule_config(rule.id).enabled:
        return []
    out: list[Finding] = []
    seen: set[tuple] = set()
    for resource in resources:
        for mark in sorted(resource.suppressed_rules):
            key = (*_inline_key(resource), mark)
            if key in used_inline or key in seen:
                continue
            seen.add(key)
            why = "is not a known rule" if mark not in RULES_BY_ID and mark not in ("ALL", "*") else "suppressed nothing"
            out.append(Finding(rule="TC002", severity=severity, lever=rule.lever,
                               message=f"inline suppression tagcheck:ignore={mark} {why}; remove it",
                               location=resource.location, resource=resource, key=mark, details={"suppression": mark}))
    for index, entry in enumerate(policy.ignores):
        if entry.expired(today):
            message = f"ignore entry for {entry.rule} on {entry.resource!r} expired on {entry.expires}; it no longer suppresses"
        elif index not in used_ignores:
            message = f"ignore entry for {entry.rule} on {entry.resource!r} matched no finding; remove it"
        else:
            continue
        out.append(Finding(rule="TC002", severity=severity, lever=rule.lever, message=message,
                           location=Location(entry.file, entry.line, entry.line), key=f"ignore:{entry.rule}:{entry.resource}",
                           details={"rule": entry.rule, "resource": entry.resource, "reason": entry.reason,
                                    "expires": str(entry.expires) if entry.expires else None}))
    return out


def _notes(policy) -> list[Note]:
    return [Note("policy", f"policy: {policy.source or 'built-in finops-baseline'}")]


def summarize(findings: Sequence[Finding], suppressed: Sequence[Finding], resources: Sequence[Resource], policy,
              costs: CostModel, *, scan: dict | None = None, baseline: dict | None = None) -> Summary:
    by_severity = Counter(f.severity.value for f in findings)
    return Summary(
        resources=len(resources),
        findings=len(findings),
        findings_by_severity={s.value: by_severity.get(s.value, 0) for s in Severity},
        findings_by_rule=dict(sorted(Counter(f.rule for f in findings).items())),
        suppressed=len(suppressed),
        allocation=allocation(resources, policy, costs),
        cost=cost_summary(findings, resources, costs),
        scan=scan or {},
        baseline=baseline,
    )


def exit_status(result: RunResult, fail_on: str) -> int:
    """0: nothing at or above the threshold; 1: something is."""
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in result.findings) else 0
