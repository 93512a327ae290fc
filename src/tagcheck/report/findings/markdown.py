"""A pull-request comment in GitHub-flavoured Markdown, shaped to be posted.

A title with the counts, the cost and allocation figures, a table of counts by lever and
severity, then the top findings by dollars grouped by rule (the costliest rule first; within
a rule the costliest resource first), the fixes of those rows only in a collapsible
``<details>`` block, and "…and N more" pointing at the full report. GitHub refuses a comment
over 65,536 characters, so the whole text stays under ``max_chars`` (default 60,000,
``--max-comment-chars``) whatever the input: rows are added while they fit, a cell keeps at
most :data:`MAX_CELL` characters and a fix :data:`MAX_FIX`.

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


DEFAULT_MAX_CHARS = 60_000
MAX_CELL = 300
MAX_FIX = 1_500
_FOOTER_RESERVE = 200  # the "…and N more" line and the closing tags


def render(result: RunResult, *, max_rows: int | None = 50, docs_url: str | None = None, show_fix: bool = True,
           title: str = "tagcheck", max_chars: int | None = None, **_options: Any) -> str:
    """``max_rows``: findings shown in the table (None: as many as fit); ``docs_url``: link
    rule ids to ``{docs_url}#{rule id in lower case}``; ``show_fix``: add the ``<details>``
    block of fixes; ``title``: the first word of the heading (e.g. to tell several comments
    apart); ``max_chars``: the most characters the comment may have (None: 60,000)."""
    budget = max_chars or DEFAULT_MAX_CHARS
    out: list[str] = [_title(result, title), ""]
    out.extend(_overview(result))
    if result.findings:
        out.extend(_lever_table(result.findings))
        head = "\n".join(out)
        out.extend(_findings(result.findings, max_rows, docs_url, show_fix, budget - len(head) - _FOOTER_RESERVE))
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


def by_rule(findings: tuple[Finding, ...]) -> list[Finding]:
    """Grouped by rule, the rule with the most dollars first; within a rule, :func:`ranked`."""
    dollars: Counter = Counter()
    for f in findings:
        dollars[f.rule] += f.monthly_cost_usd or 0
    order = {rule: i for i, rule in enumerate(sorted(dollars, key=lambda r: (-dollars[r], r)))}
    return sorted(ranked(findings), key=lambda f: order[f.rule])


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _row(f: Finding, docs_url: str | None) -> str:
    cells = [
        f.severity.value,
        _rule(f.rule, docs_url),
        markdown_cell(_clip(f.resource.address, MAX_CELL)) if f.resource else "",
        markdown_cell(_clip(location_label(f), MAX_CELL)),
        markdown_cell(_clip(f.message, MAX_CELL)),
        _usd(f.monthly_cost_usd) if f.monthly_cost_usd is not None else "",
        _usd(f.monthly_saving_usd) if f.monthly_saving_usd else "",
    ]
    return "| " + " | ".join(cells) + " |"


def _fix(f: Finding) -> list[str]:
    subject = f" {markdown_cell(_clip(f.resource.address, MAX_CELL))}" if f.resource else ""
    where = location_label(f)
    heading = f"**{markdown_cell(f.rule)}**{subject}" + (f" ({markdown_cell(_clip(where, MAX_CELL))})" if where else "")
    return [heading, "", f"<pre>{html_text(_clip(f.fix, MAX_FIX))}</pre>", ""]


def _findings(findings: tuple[Finding, ...], max_rows: int | None, docs_url: str | None, show_fix: bool,
              budget: int) -> list[str]:
    """The table and the fixes of its rows, as many rows as fit in ``budget`` characters."""
    header = ["| severity | rule | resource | location | message | \\$/mo | saving/mo |",
              "| --- | --- | --- | --- | --- | ---: | ---: |"]
    fixes_open = ["<details>", "<summary>Fixes ({count})</summary>", ""]
    used = sum(len(line) + 1 for line in header) + (sum(len(x) + 1 for x in fixes_open) + 20 if show_fix else 0)
    rows: list[str] = []
    fixes: list[str] = []
    candidates = by_rule(findings)
    limit = len(candidates) if max_rows is None else max(0, max_rows)
    for f in candidates[:limit]:
        row = _row(f, docs_url)
        fix = _fix(f) if show_fix and f.fix else []
        cost = len(row) + 1 + sum(len(line) + 1 for line in fix)
        if used + cost > budget:
            break
        used += cost
        rows.append(row)
        fixes.extend(fix)
    lines = header + rows
    if len(rows) < len(candidates):
        lines += ["", f"…and {len(candidates) - len(rows)} more (the JSON or SARIF report lists them all)"]
    lines.append("")
    if fixes:
        count = sum(1 for line in fixes if line.startswith("<pre>"))
        lines += [x.format(count=count) for x in fixes_open] + fixes + ["</details>", ""]
    return lines
