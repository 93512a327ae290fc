"""The terminal format: findings grouped by file, ``file:line`` first so terminals and
editors make it clickable, colour only when asked (the CLI asks on a TTY), one summary line.

Every string from the code or the account passes through ``terminal_safe``: a tag value
cannot move the cursor, change colours or reverse the text on the reader's screen.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from tagcheck.model import Finding, RunResult, Severity
from tagcheck.report.escape import one_line, terminal_safe

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(result: RunResult, *, color: bool = False, show_fix: bool = True, **_options: Any) -> str:
    paint = _painter(color)
    out: list[str] = []
    for file, group in groupby(result.findings, key=lambda f: f.location.file or f.location.arn or ""):
        out.append(paint(_BOLD, terminal_safe(file or "(no file)")))
        for finding in group:
            out.extend(_finding_lines(finding, paint, show_fix))
        out.append("")
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def _painter(color: bool):
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text
    return paint


def _finding_lines(finding: Finding, paint, show_fix: bool) -> list[str]:
    where = finding.location.file or finding.location.arn or ""
    if finding.location.line:
        where += f":{finding.location.line}"
    severity = paint(_COLOURS[finding.severity], finding.severity.value)
    subject = f" {paint(_DIM, one_line(finding.resource.address))}" if finding.resource else ""
    lines = [f"  {terminal_safe(where)}: {severity} {finding.rule}{subject}: {one_line(finding.message)}"]
    if finding.monthly_cost_usd is not None:
        cost = f"${finding.monthly_cost_usd:,.2f}/mo"
        if finding.monthly_saving_usd:
            cost += f", save ${finding.monthly_saving_usd:,.2f}/mo"
        lines[0] += f" [{cost}]"
    if show_fix and finding.fix:
        lines.append(paint(_DIM, "      fix: " + terminal_safe(finding.fix).replace("\n", "\n           ")))
    return lines


def summary_line(result: RunResult) -> str:
    summary = result.summary
    counts = summary.get("findings_by_severity", {})
    total = sum(counts.values())
    parts = [f"{counts.get(s.value, 0)} {s.value}{'s' if counts.get(s.value, 0) != 1 and s != Severity.INFO else ''}"
             for s in Severity]
    line = f"{total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {summary.get('resources', 0)} resources"
    if summary.get("suppressed"):
        line += f"; {summary['suppressed']} suppressed"
    allocation = summary.get("allocation") or {}
    if allocation.get("taggable_resources"):
        line += (f"; {allocation['fully_tagged']}/{allocation['taggable_resources']} taggable resources fully tagged "
                 f"({allocation['coverage_pct']}%)")
    return line
