"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per
finding, which the runner turns into annotations on the pull request's diff.

    ::error file=main.tf,line=8,endLine=10,title=TAG001 aws_s3_bucket.logs::missing required tag: cost-center

Values are encoded as the runner decodes them (``github_data``/``github_property``): no
tag value can break the line, end the property list or start a command of its own. The
output ends with a plain summary line (not a command) for the log.
"""

from __future__ import annotations

from typing import Any

from tagcheck.model import Finding, RunResult, Severity
from tagcheck.report.escape import github_data, github_property
from tagcheck.report.findings.text import cost_line, summary_line

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(result: RunResult, *, show_fix: bool = True, **_options: Any) -> str:
    """``show_fix``: append the fix to the annotation text (shown on the following lines)."""
    lines = [command(f, show_fix=show_fix) for f in result.findings]
    lines.append(summary_line(result))
    cost = cost_line(result)
    if cost:
        lines.append(cost)
    return "\n".join(lines) + "\n"


def command(finding: Finding, *, show_fix: bool = True) -> str:
    props: list[tuple[str, str]] = []
    location = finding.location
    if location.file:
        props.append(("file", location.file.replace("\\", "/")))
        if location.line:
            props.append(("line", str(location.line)))
            props.append(("endLine", str(max(location.end_line or location.line, location.line))))
            if location.column:
                props.append(("col", str(location.column)))
    subject = finding.resource.address if finding.resource else (location.arn or "")
    props.append(("title", f"{finding.rule} {subject}".rstrip()))
    text = finding.message
    if finding.monthly_cost_usd is not None:
        text += f" [${finding.monthly_cost_usd:,.2f}/mo"
        if finding.monthly_saving_usd:
            text += f", save ${finding.monthly_saving_usd:,.2f}/mo"
        text += "]"
    if location.arn and not location.file:
        text += f" ({location.arn})"
    if show_fix and finding.fix:
        text += "\n\nfix:\n" + finding.fix
    head = ",".join(f"{key}={github_property(value)}" for key, value in props)
    return f"::{COMMANDS[finding.severity]} {head}::{github_data(text)}"
