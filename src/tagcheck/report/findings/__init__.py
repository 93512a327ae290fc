"""Formats of a run's findings: text, json, sarif, junit, github, markdown (one module each)."""

from __future__ import annotations

from tagcheck.model import Finding


def location_label(finding: Finding) -> str:
    """``file:line`` for code (``file:line:column`` where the column is known, as for a
    syntax error), the ARN for a live resource (unescaped: each format escapes)."""
    location = finding.location
    where = location.file or location.arn or ""
    if location.file and location.line:
        where += f":{location.line}" + (f":{location.column}" if location.column else "")
    return where
