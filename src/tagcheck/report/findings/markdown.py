"""A pull-request comment in GitHub-flavoured Markdown.

A title with the counts, a table of counts by lever and severity, the cost and allocation
figures, the findings (most expensive first, then most severe) capped at ``max_rows``, and
the fixes in a collapsible ``<details>`` block.

Every value from the code or the account goes through ``markdown_cell`` (tables, inline
text) or ``html_text`` (inside ``<pre>``/``<summary>``): it renders as literal text, cannot
add a table column, open or close an HTML element (``<script>`` comes out as
``&lt;script&gt;``) or end the ``<details>`` block.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tagcheck.model import Finding, Lever, RunResult, Severity
from tagcheck.report.findings import location_label
from tagcheck.report.escape import html_text, markdown_cell

PLURAL = {Severity.ERROR: "errors", Severity.WARNING: "warnings", Severity.INFO: "info"}
SINGULAR = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def render(result: RunResult, *, max_rows: int | None = 50, docs_url: str | None = None, show_fix: bool = True,
           title: str = "tagcheck", **_options: Any) -> str:
    """``max_rows``: findings shown in the table (None: all); ``docs_url``: link rule ids to
    ``{docs_url}#{rule id in lower case}``; ``show_fix``: add the ``<details>`` block of fixes;
    ``title``: the first word of the heading (e.g. to tell several comments apart)."""
    out: list[str] = [_title(result, title), ""]
    out.extend(_overview(result))
    if result.findings:
        out.extend(_lever_table(result.findings))
        out.extend(_findings_table(result.findings, max_rows, docs_url))
        if show_fix:
            out.extend(_fixes(result.findings))
    return "\n".join(out).rstrip("\n") + "\n"


def _title(result: RunResult, title: str) -> str:
    counts = Counter(f.severity for f in result.findings)
    if not result.findings:
        return f"### {markdown_cell(title)}: no findings"
    parts = [f"{counts[s]} {PLURAL[s] if counts[s] != 1 else SINGULAR[s]}" for s in Severity]
    return f"### {markdown_cell(title)}: {', '.join(parts)}"


def _usd(value: float) -> str:
    return f"\\${value:,.2f}"  # \$: GitHub would render $…$ as maths


def _overview(result: RunResult) -> list[str]:
    summary = result.summary
    lines = [f"Scanned {summary.resources or len(result.resources)} resources"]
    if result.suppressed or summary.suppressed:
        lines[0] += f"; {summary.suppressed or len(result.suppressed)} findings suppressed"
    lines[0] += "."
    allocation = summary.allocation
    cost = summary.cost
    bullets: list[str] = []
    if allocation.get("taggable_resources"):
        bullets.append(f"- **Tag coverage:** {allocation['fully_tagged']}/{allocation['taggable_resources']} "
                       f"taggable resources carry every required tag ({allocation['coverage_pct']}%)")
    if cost.get("monthly_usd") or cost.get("resources_unpriced"):
        line = f"- **Estimated cost:** {_usd(cost['monthly_usd'])}/mo over {cost.get('resources_priced', 0)} priced resources"
        if cost.get("resources_unpriced"):
            line += f" ({cost['resources_unpriced']} not priceable statically)"
        bullets.append(line)
    if allocation.get("monthly_usd"):
        bullets.append(f"- **Unallocated:** {_usd(allocation.get('unallocated_monthly_usd') or 0)}/mo on resources "
                       f"missing a required tag or value ({allocation.get('coverage_pct_usd', 0)}% of the priced "
                       "cost is allocated)")
    if cost.get("possible_saving_monthly_usd"):
        line = f"- **Possible saving:** {_usd(cost['possible_saving_monthly_usd'])}/mo"
        by_lever = sorted((cost.get("savings_by_lever") or {}).items(), key=lambda kv: -kv[1])
        if by_lever:
            line += (" (" + ", ".join(f"{markdown_cell(str(lever))} {_usd(v)}" for lever, v in by_lever)
                     + "; levers on one resource compound, not add)")
        bullets.append(line)
    if bullets:
        lines += [""] + bullets
    return lines + [""]


def _lever_table(findings: tuple[Finding, ...]) -> list[str]:
    counts = Counter((f.lever, f.severity) for f in findings)
    levers = [lever for lever in Lever if any(counts[(lever, s)] for s in Severity)]
    lines = ["| lever | " + " | ".join(PLURAL[s] for s in Severity) + " | total |",
             "| --- | " + " | ".join("---:" for _ in Severity) + " | ---: |"]
    for lever in levers:
        row = [counts[(lever, s)] for s in Severity]
        lines.append(f"| {lever.value} | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")
    totals = [sum(counts[(lever, s)] for lever in Lever) for s in Severity]
    lines.append("| **total** | " + " | ".join(f"**{n}**" for n in totals) + f" | **{sum(totals)}** |")
    return lines + [""]


def ranked(findings: tuple[Finding, ...]) -> list[Finding]:
    """Most expensive resource first, then the more severe, then the larger saving."""
    return sorted(findings, key=lambda f: (-(f.monthly_cost_usd or 0), -f.severity.rank,
                                           -(f.monthly_saving_usd or 0), f.sort_key()))


def _rule(rule: str, docs_url: str | None) -> str:
    if docs_url:
        return f"[{markdown_cell(rule)}]({docs_url}#{rule.lower()})"
    return markdown_cell(rule)


def _findings_table(findings: tuple[Finding, ...], max_rows: int | None, docs_url: str | None) -> list[str]:
    rows = ranked(findings)
    shown = rows if max_rows is None else rows[:max(0, max_rows)]
    lines = ["| severity | rule | resource | location | message | \\$/mo | saving/mo |",
             "| --- | --- | --- | --- | --- | ---: | ---: |"]
    for f in shown:
        cells = [
            f.severity.value,
            _rule(f.rule, docs_url),
            markdown_cell(f.resource.address) if f.resource else "",
            markdown_cell(location_label(f)),
            markdown_cell(f.message),
            _usd(f.monthly_cost_usd) if f.monthly_cost_usd is not None else "",
            _usd(f.monthly_saving_usd) if f.monthly_saving_usd else "",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    if len(rows) > len(shown):
        lines += ["", f"…and {len(rows) - len(shown)} more"]
    return lines + [""]


def _fixes(findings: tuple[Finding, ...]) -> list[str]:
    with_fix = [f for f in ranked(findings) if f.fix]
    if not with_fix:
        return []
    lines = ["<details>", f"<summary>Fixes ({len(with_fix)})</summary>", ""]
    for f in with_fix:
        subject = f" {markdown_cell(f.resource.address)}" if f.resource else ""
        where = location_label(f)
        lines.append(f"**{markdown_cell(f.rule)}**{subject}" + (f" ({markdown_cell(where)})" if where else ""))
        lines.append("")
        lines.append(f"<pre>{html_text(f.fix)}</pre>")
        lines.append("")
    lines.append("</details>")
    return lines + [""]
