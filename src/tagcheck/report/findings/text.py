"""The terminal format: findings grouped by file, ``file:line`` first so terminals and
editors make it clickable, colour only when asked (the CLI decides: a TTY, no ``NO_COLOR``, not
``TERM=dumb``, or ``--color``), a table of findings by rule, one summary line.

On a colour terminal the severity is coloured and the resource address is bold — it is what
the reader looks for — while fixes are dimmed. ``compact``: one line per finding, no fixes.

Every string from the code or the account passes through ``terminal_safe``: a tag value
cannot move the cursor, change colours or reverse the text on the reader's screen.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from tagcheck.model import Finding, RunResult, Severity
from tagcheck.report.findings import location_label
from tagcheck.report.escape import one_line, terminal_safe

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(result: RunResult, *, color: bool = False, show_fix: bool = True, sort: str = "location",
           compact: bool = False, **_options: Any) -> str:
    """``sort="cost"``: one list, the most expensive resources' findings first."""
    paint = _painter(color)
    show_fix = show_fix and not compact
    out: list[str] = []
    if sort == "cost":
        ranked = sorted(result.findings, key=lambda f: (-(f.monthly_cost_usd or 0), -(f.monthly_saving_usd or 0)))
        for finding in ranked:
            out.extend(_finding_lines(finding, paint, show_fix))
        out.append("")
    else:
        for file, group in groupby(result.findings, key=_group):
            out.append(paint(_BOLD, terminal_safe(file or "(no file)")))
            for finding in group:
                out.extend(_finding_lines(finding, paint, show_fix))
            out.append("")
    out.extend(rule_table(result))
    removed = removed_line(result)
    if removed:
        out.append(removed)
    out.append(summary_line(result))
    cost = cost_line(result)
    if cost:
        out.append(cost)
    return "\n".join(out) + "\n"


def _group(finding: Finding) -> str:
    """Findings from code are grouped by file; from the account, by account and region."""
    if finding.location.file or not finding.resource:
        return finding.location.file or ""
    resource = finding.resource
    return f"aws account {resource.account or '?'} · {resource.region if isinstance(resource.region, str) else 'global'}"


def _painter(color: bool):
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text
    return paint


def _finding_lines(finding: Finding, paint, show_fix: bool) -> list[str]:
    where = location_label(finding)
    severity = paint(_COLOURS[finding.severity], finding.severity.value)
    shown_address = finding.resource and finding.resource.address != where
    subject = f" {paint(_BOLD, one_line(finding.resource.address))}" if shown_address else ""
    lines = [f"  {terminal_safe(where)}: {severity} {finding.rule}{subject}: {one_line(finding.message)}"]
    if finding.monthly_cost_usd is not None:
        cost = f"${finding.monthly_cost_usd:,.2f}/mo"
        if finding.monthly_saving_usd:
            cost += f", save ${finding.monthly_saving_usd:,.2f}/mo"
        lines[0] += f" [{cost}]"
    if show_fix and finding.fix:
        lines.append(paint(_DIM, "      fix: " + terminal_safe(finding.fix).replace("\n", "\n           ")))
    return lines


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def rule_table(result: RunResult) -> list[str]:
    """Findings by rule, the costliest first: count, and the monthly dollars of the resources
    they are on (each resource once per rule). Nothing when there are no findings."""
    rows: dict[str, list] = {}
    for finding in result.findings:
        row = rows.setdefault(finding.rule, [0, 0.0, set(), finding.severity.value])
        row[0] += 1
        subject = finding.resource.identity if finding.resource else None
        if finding.monthly_cost_usd and subject not in row[2]:
            row[2].add(subject)
            row[1] += finding.monthly_cost_usd
    if not rows:
        return []
    ordered = sorted(rows.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    lines = [f"{'rule':<8}{'severity':<10}{'findings':>9}{'resources $/mo':>16}"]
    for rule, (count, dollars, _, severity) in ordered:
        lines.append(f"{rule:<8}{severity:<10}{count:>9}{(f'${dollars:,.2f}' if dollars else '-'):>16}")
    return lines + [""]


def removed_line(result: RunResult, shown: int = 10) -> str | None:
    """--diff-base: the resources the change removed (listed, never findings); None when none."""
    removed = result.summary.scan.get("removed") or []
    if not removed:
        return None
    names = [one_line(r["address"]) + (f" ({one_line(r['root'])})" if r.get("root") not in ("", ".", None) else "")
             for r in removed[:shown]]
    more = f", … and {len(removed) - shown} more (see the JSON summary)" if len(removed) > shown else ""
    since = one_line(result.summary.scan.get("diff_base") or "the merge base")
    return f"removed since {since}: {_plural(len(removed), 'resource', 'resources')}: {', '.join(names)}{more}"


def summary_line(result: RunResult) -> str:
    summary = result.summary
    counts = summary.findings_by_severity
    total = sum(counts.values())
    parts = [f"{counts.get(s.value, 0)} {s.value}{'s' if counts.get(s.value, 0) != 1 and s != Severity.INFO else ''}"
             for s in Severity]
    line = f"{total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {_plural(summary.resources, 'resource', 'resources')}"
    if summary.suppressed:
        line += f"; {summary.suppressed} suppressed"
    scan = summary.scan
    for key, one, many in (("skipped_unchanged", "unchanged resource skipped", "unchanged resources skipped"),
                           ("baselined", "finding hidden by the baseline", "findings hidden by the baseline"),
                           ("skipped_deleted", "resource the plan deletes skipped",
                            "resources the plan deletes skipped")):
        if scan.get(key):
            line += "; " + _plural(scan[key], one, many)
    zero = (scan.get("zero_instances") or {}).get("count")
    if zero:  # nothing of them was checked: never silent (the JSON lists them with their expression)
        workspace = scan.get("workspace")
        at = f" in workspace {workspace!r}" if isinstance(workspace, str) else ""
        line += f"; {zero} resource or module block{'s' if zero != 1 else ''} with zero instances{at} (count/for_each)"
    fixed = (summary.baseline or {}).get("fixed") or []
    if fixed:
        line += (f"; {_plural(len(fixed), 'baseline entry no longer occurs', 'baseline entries no longer occur')}"
                 " (rewrite it with --write-baseline to shrink it)")
    allocation = summary.allocation
    if allocation.get("taggable_resources"):
        line += (f"; {allocation['fully_tagged']}/{allocation['taggable_resources']} taggable resources fully tagged "
                 f"({allocation['coverage_pct']}%")
        if allocation.get("monthly_usd"):
            line += f"; {allocation['coverage_pct_usd']}% of estimated dollars"
        line += ")"
    if scan.get("coverage_change_pts") is not None:
        line += (f"; allocation coverage {scan['coverage_before_pct_usd']}% → {scan['coverage_after_pct_usd']}% of dollars "
                 f"with this change ({scan['coverage_change_pts']:+g} pts)")
    return line


def _usd(value: float) -> str:
    return f"${value:,.2f}"


def cost_line(result: RunResult) -> str | None:
    """Estimated monthly cost, the unallocated part, and the possible saving by lever."""
    cost = result.summary.cost
    allocation = result.summary.allocation
    if not cost.get("monthly_usd"):
        return None
    line = f"estimated {_usd(cost['monthly_usd'])}/mo over {cost['resources_priced']} priced resources"
    if cost.get("resources_unpriced"):
        line += f" ({cost['resources_unpriced']} not priceable statically)"
    unallocated = allocation.get("unallocated_monthly_usd") or 0
    if unallocated:
        line += f"; {_usd(unallocated)}/mo unallocated (resources missing a required tag or value)"
    saving = cost.get("possible_saving_monthly_usd") or 0
    if saving:
        levers = ", ".join(f"{lever} {_usd(v)}" for lever, v in
                           sorted(cost.get("savings_by_lever", {}).items(), key=lambda kv: -kv[1]))
        line += f"; possible saving {_usd(saving)}/mo ({levers}; levers on one resource compound, not add)"
    return line
