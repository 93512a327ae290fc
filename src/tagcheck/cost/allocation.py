"""Showback: who pays for what — estimated monthly cost by tag, allocation coverage, savings.

:func:`build` turns one engine run into a plain, JSON-ready dict (the *showback document*);
the ``showback_*`` reporters in :mod:`tagcheck.report` render that dict as HTML, Markdown,
CSV or JSON, and :func:`render` picks one by name. Nothing here reads argv or files.

Definitions (the numbers every format shows, so they agree across formats):

- **Cost** of a resource is the engine's estimate (:class:`tagcheck.cost.estimate.CostModel`): a known
  monthly figure, $0 for types that cost nothing by themselves, or *unpriced* (the reason is
  kept and the resource is listed under ``unpriced``; it adds $0 to every total).
- **By key**: for every required tag key (``policy.required``, in policy order) each resource
  falls in exactly one bucket, from the same per-key verdict the TAG rules use
  (:func:`tagcheck.rules.tagging.verdicts`):

  - a **value** bucket when the key passes (present, non-empty, allowed);
  - **unallocated** when it is missing, empty, not allowed, a near miss or hidden by
    ``ignore_tags`` (``by_reason`` splits the bucket by those verdicts);
  - **unknown** when the value is not statically known (TAG005);
  - **not_taggable** for types that carry no tags at all.

  So the buckets of one key add up to the total cost.
- **Allocation coverage** is :func:`allocation` unchanged: the share of the
  priced dollars of taggable resources whose every required tag passes
  (:func:`allocation_status` is ``allocated``). No priced dollars: 100 %.
- **Savings**: ``by_lever`` sums each finding's ``monthly_saving_usd`` per lever (levers on one
  resource overlap, so they do not add up); a resource's *possible* saving compounds its
  findings' savings on the component each acts on (``part × (1 − Π(1 − saving/part))`` for
  the compute hours, the storage…) and adds the components — the engine's ``cost_summary``
  rule, see :func:`~tagcheck.cost.estimate.compound_saving` — and the per-bucket and total
  possible savings add up those per-resource figures.

Dollar figures are rounded to cents once, at the end of each sum.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Iterable, Mapping, Sequence

from tagcheck.cost.estimate import CostModel, compound_saving
from tagcheck.rules.tagging import verdicts
from tagcheck import __version__
from tagcheck.model import Finding, Resource, RunResult

SCHEMA_VERSION = 1

UNALLOCATED_REASONS = ("missing", "empty", "not_allowed", "near_miss", "hidden")
TOP_FINDINGS = 25


def allocation_status(resource: Resource, policy) -> str:
    """allocated (every required tag passes) | unallocated (one fails) | unknown."""
    statuses = {v.status for v in verdicts(resource.tags, policy) if v.key in policy.required}
    if statuses <= {"pass"}:
        return "allocated"
    return "unknown" if statuses <= {"pass", "unknown"} else "unallocated"


def allocation(resources: Sequence[Resource], policy, costs: CostModel) -> dict:
    """How many taggable resources — and how many of their dollars — carry every required tag
    with an allowed value."""
    taggable = [r for r in resources if r.tags is not None]
    by_key = {k: Counter() for k in policy.required}
    dollars: Counter = Counter()
    complete = 0
    for resource in taggable:
        for v in verdicts(resource.tags, policy):
            if v.key in by_key:
                by_key[v.key]["tagged" if v.status == "pass" else ("unknown" if v.status == "unknown" else "untagged")] += 1
        status = allocation_status(resource, policy)
        complete += status == "allocated"
        dollars[status] += costs.estimate(resource).monthly_usd or 0.0
    total = len(taggable)
    priced = sum(dollars.values())
    return {
        "taggable_resources": total,
        "fully_tagged": complete,
        "coverage_pct": round(100.0 * complete / total, 1) if total else 100.0,
        "monthly_usd": round(priced, 2),
        "allocated_monthly_usd": round(dollars["allocated"], 2),
        "unallocated_monthly_usd": round(dollars["unallocated"], 2),
        "unknown_monthly_usd": round(dollars["unknown"], 2),
        "coverage_pct_usd": round(100.0 * dollars["allocated"] / priced, 1) if priced else 100.0,
        "by_key": {k: {"tagged": c["tagged"], "untagged": c["untagged"], "unknown": c["unknown"]} for k, c in by_key.items()},
    }


def allocation_of(resources: Sequence[Resource], policy, prices) -> dict:
    """Allocation coverage of a set of resources on their own (no rules run)."""
    return allocation(resources, policy, CostModel(prices, resources))


def cost_summary(findings: Sequence[Finding], resources: Sequence[Resource], costs: CostModel) -> dict:
    """Total estimated cost and the savings the advice offers, by lever.

    Savings of several levers on one resource compound on the component they act on
    (schedule, then spot on the compute hours that remain) and add across components, so
    the total is computed per resource (:func:`compound_saving`), not summed."""
    estimates = [(r, costs.estimate(r)) for r in resources]
    priced = [(r, e) for r, e in estimates if e.known and e.lines]
    unpriced = [r.address for r, e in estimates if not e.known]
    by_lever: Counter = Counter()
    per_resource: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for f in findings:
        if f.monthly_saving_usd:
            by_lever[f.lever.value] += f.monthly_saving_usd
            if f.resource is not None:
                per_resource.setdefault(f.resource.identity, []).append((f.lever.value, f.monthly_saving_usd))
    possible = sum(compound_saving(costs.estimate(costs.index[key]) if key in costs.index else None,
                                   savings) for key, savings in per_resource.items()) + 0.0
    prices = costs.prices
    return {
        "currency": "USD",
        "monthly_usd": round(sum(e.monthly_usd for _, e in priced), 2),
        "resources_priced": len(priced),
        "resources_unpriced": len(unpriced),
        "unpriced": unpriced[:50],
        "savings_by_lever": {k: round(v, 2) for k, v in sorted(by_lever.items())},
        "possible_saving_monthly_usd": round(possible, 2),
        "prices": {"source": prices.source, "as_of": prices.as_of},
    }


def line_dict(line) -> dict:
    """One cost line as the JSON documents carry it (like Infracost's cost components)."""
    return {"item": line.item, "component": line.component, "quantity": round(line.quantity, 6), "unit": line.unit,
            "unit_usd": line.unit_usd, "monthly_usd": round(line.monthly_usd, 2)}


def build(result: RunResult, policy, costs, *, top: int = TOP_FINDINGS, min_allocation: float | None = None,
          source: Mapping[str, Any] | None = None, policy_label: str | None = None) -> dict:
    """The showback document of one run.

    ``costs``: the :class:`~tagcheck.cost.estimate.CostModel` of the run's resources (same price book
    as the run); ``top``: how many findings ``top_findings`` keeps; ``min_allocation``: the
    threshold to record (and judge) in ``allocation.min_allocation``; ``source``: what was
    read (kept as ``source``, merged over the run's ``summary["scan"]``); ``policy_label``: how
    to name the policy file (default ``policy.source``; None there means the built-in
    finops-baseline)."""
    required = tuple(policy.required)
    resources = list(result.resources)
    # keyed by Resource.identity: two roots of a monorepo may use one address
    estimates = {r.identity: costs.estimate(r) for r in resources}

    def cost_of(resource: Resource) -> float:
        return estimates[resource.identity].monthly_usd or 0.0

    savings_of: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    rules_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for finding in result.findings:
        if finding.resource is None:
            continue
        rules_of[finding.resource.identity].add(finding.rule)
        if finding.monthly_saving_usd:
            savings_of[finding.resource.identity].append((finding.lever.value, finding.monthly_saving_usd))
    possible = {r.identity: compound_saving(estimates[r.identity], savings_of[r.identity])
                for r in resources if savings_of.get(r.identity)}

    coverage_of = dict(result.summary.allocation or allocation(resources, policy, costs))
    cost = dict(result.summary.cost or cost_summary(result.findings, resources, costs))
    total = sum(cost_of(r) for r in resources)

    # one pass: per resource, per key, the bucket
    buckets: dict[str, dict[tuple[str, str | None], dict]] = {k: {} for k in required}
    rows = []
    owners: dict[tuple[str, str], dict] = {}  # identity -> the team_key bucket, for top_findings
    team_key = "team" if "team" in required else (required[0] if required else None)
    for resource in resources:
        per_key = ({v.key: v for v in verdicts(resource.tags, policy) if v.key in required}
                   if resource.tags is not None else {})
        status = allocation_status(resource, policy) if resource.tags is not None else "not_taggable"
        tags: dict[str, str | None] = {}
        for key in required:
            verdict = per_key.get(key)
            if verdict is None:
                kind, value, reason = "not_taggable", None, None
            elif verdict.status == "pass" and verdict.value is not None:
                kind, value, reason = "value", verdict.value, None
            elif verdict.status in ("pass", "unknown"):  # a pass without a value: the key is set, to what is unknown
                kind, value, reason = "unknown", None, None
            else:
                kind, value, reason = "unallocated", None, verdict.status
            # the CSV shows what is there under the required key itself (a near miss is not)
            tags[key] = verdict.value if verdict is not None and verdict.status in ("pass", "not_allowed", "empty") else None
            if key == team_key:
                owners[resource.identity] = {"key": key, "bucket": kind, "value": value, "allocation": status}
            bucket = buckets[key].setdefault((kind, value), _new_bucket())
            _add(bucket, cost_of(resource), estimates[resource.identity].known, possible.get(resource.identity, 0.0))
            if reason:
                sub = bucket["by_reason"].setdefault(reason, {"monthly_usd": 0.0, "resources": 0})
                sub["monthly_usd"] += cost_of(resource)
                sub["resources"] += 1
        estimate = estimates[resource.identity]
        rows.append({
            "address": resource.address,
            "type": resource.type,
            "origin": resource.origin.value,
            "region": resource.region if isinstance(resource.region, str) else None,
            "account": resource.account,
            "tags": tags,
            "allocation": status,
            "monthly_cost_usd": None if estimate.monthly_usd is None else float(estimate.monthly_usd),
            "cost_lines": [line_dict(line) for line in estimate.lines],
            "cost_unknown": estimate.unknown,
            "cost_excluded": list(estimate.excluded),
            "monthly_saving_usd": round(possible[resource.identity], 2) if resource.identity in possible else None,
            "rules": sorted(rules_of.get(resource.identity, ())),
        })

    by_key = {key: _key_table(buckets[key], total) for key in required}
    by_lever_counts = Counter(f.lever.value for f in result.findings if f.monthly_saving_usd)
    scan = dict(result.summary.scan)
    coverage = coverage_of.get("coverage_pct_usd", 100.0)

    return {
        "version": SCHEMA_VERSION,
        "kind": "showback",
        "tool": {"name": "tagcheck", "version": __version__},
        "currency": "USD",
        "source": {**scan, **dict(source or {})},
        "policy": {"source": policy_label or policy.source, "required": list(required)},
        "prices": dict(cost.get("prices") or {}),
        "totals": {
            "monthly_usd": round(total, 2),
            "resources": len(resources),
            "taggable_resources": coverage_of.get("taggable_resources", 0),
            "resources_priced": cost.get("resources_priced", 0),
            "resources_unpriced": cost.get("resources_unpriced", 0),
            "possible_saving_monthly_usd": round(sum(possible.values()), 2),
        },
        "allocation": {
            "coverage_pct_usd": coverage,
            "coverage_pct": coverage_of.get("coverage_pct", 100.0),
            "fully_tagged": coverage_of.get("fully_tagged", 0),
            "allocated_monthly_usd": coverage_of.get("allocated_monthly_usd", 0.0),
            "unallocated_monthly_usd": coverage_of.get("unallocated_monthly_usd", 0.0),
            "unknown_monthly_usd": coverage_of.get("unknown_monthly_usd", 0.0),
            "min_allocation": (None if min_allocation is None else
                               {"pct": min_allocation, "met": not coverage < min_allocation}),
        },
        "by_key": by_key,
        "savings": {
            "possible_monthly_usd": round(sum(possible.values()), 2),
            "by_lever": [{"lever": lever, "monthly_usd": usd, "findings": by_lever_counts.get(lever, 0)}
                         for lever, usd in sorted((cost.get("savings_by_lever") or {}).items(), key=lambda kv: (-kv[1], kv[0]))],
            "by_team": _savings_by(team_key, by_key.get(team_key) if team_key else None),
        },
        "top_findings": _top_rows(result.findings, top, owners, team_key),
        "unpriced": [{"address": r.address, "type": r.type, "reason": estimates[r.identity].unknown}
                     for r in resources if not estimates[r.identity].known],
        "resources": rows,
    }


def _new_bucket() -> dict:
    return {"monthly_usd": 0.0, "resources": 0, "unpriced": 0, "possible_saving_monthly_usd": 0.0, "by_reason": {}}


def _add(bucket: dict, usd: float, known: bool, saving: float) -> None:
    bucket["monthly_usd"] += usd
    bucket["resources"] += 1
    bucket["unpriced"] += not known
    bucket["possible_saving_monthly_usd"] += saving


def _finish_bucket(bucket: dict | None, total: float, *, reasons: bool = False) -> dict:
    bucket = bucket or _new_bucket()
    out = {
        "monthly_usd": round(bucket["monthly_usd"], 2),
        "share_pct": round(100.0 * bucket["monthly_usd"] / total, 1) if total else 0.0,
        "resources": bucket["resources"],
        "unpriced": bucket["unpriced"],
        "possible_saving_monthly_usd": round(bucket["possible_saving_monthly_usd"], 2),
    }
    if reasons:
        out["by_reason"] = {reason: {"monthly_usd": round(sub["monthly_usd"], 2), "resources": sub["resources"]}
                            for reason, sub in sorted(bucket["by_reason"].items(),
                                                      key=lambda kv: UNALLOCATED_REASONS.index(kv[0])
                                                      if kv[0] in UNALLOCATED_REASONS else 99)}
    return out


def _key_table(buckets: Mapping[tuple[str, str | None], dict], total: float) -> dict:
    values = [{"value": value, **_finish_bucket(b, total)} for (kind, value), b in buckets.items() if kind == "value"]
    values.sort(key=lambda v: (-v["monthly_usd"], -v["resources"], v["value"]))
    return {
        "values": values,
        "unallocated": _finish_bucket(buckets.get(("unallocated", None)), total, reasons=True),
        "unknown": _finish_bucket(buckets.get(("unknown", None)), total),
        "not_taggable": _finish_bucket(buckets.get(("not_taggable", None)), total),
    }


def _savings_by(key: str | None, table: Mapping[str, Any] | None) -> dict:
    if key is None or table is None:
        return {"key": None, "values": [], "unallocated_monthly_usd": 0.0, "unknown_monthly_usd": 0.0}
    values = [{"value": v["value"], "monthly_usd": v["possible_saving_monthly_usd"]}
              for v in table["values"] if v["possible_saving_monthly_usd"]]
    values.sort(key=lambda v: (-v["monthly_usd"], v["value"]))
    return {"key": key, "values": values,
            "unallocated_monthly_usd": table["unallocated"]["possible_saving_monthly_usd"],
            "unknown_monthly_usd": table["unknown"]["possible_saving_monthly_usd"]
            + table["not_taggable"]["possible_saving_monthly_usd"]}


CHART_FIRST = ("team", "feature", "component")


def display_keys(keys: Iterable[str]) -> list[str]:
    """The order reports show the keys in: team, feature, component (the showback axes),
    then the other required keys in policy order."""
    keys = list(keys)
    return [k for k in CHART_FIRST if k in keys] + [k for k in keys if k not in CHART_FIRST]


def ranked(findings: Iterable[Finding]) -> list[Finding]:
    """Findings that carry dollars, most expensive resource first, then the larger saving,
    then the more severe."""
    priced = [f for f in findings if f.monthly_cost_usd or f.monthly_saving_usd]
    return sorted(priced, key=lambda f: (-(f.monthly_cost_usd or 0), -(f.monthly_saving_usd or 0),
                                         -f.severity.rank, f.sort_key()))


def _top_rows(findings: Sequence[Finding], top: int, owners: Mapping[tuple[str, str], dict],
              team_key: str | None) -> list[dict]:
    out = []
    for f in ranked(findings)[:max(0, top)]:
        owner = owners.get(f.resource.identity) if f.resource else None
        location = f.location
        out.append({
            "rule": f.rule,
            "severity": f.severity.value,
            "lever": f.lever.value,
            "address": f.resource.address if f.resource else None,
            "type": f.resource.type if f.resource else None,
            "location": ({"arn": location.arn} if location.arn and not location.file
                         else {"file": location.file, "line": location.line}),
            "message": f.message,
            "monthly_cost_usd": f.monthly_cost_usd,
            "monthly_saving_usd": f.monthly_saving_usd,
            "owner": owner or {"key": team_key, "bucket": None, "value": None, "allocation": None},
        })
    return out
