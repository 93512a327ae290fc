"""Formats of a run's findings: text, json, sarif, junit, github, markdown (one module each)."""

from __future__ import annotations

from tagcheck.model import Finding


def location_label(finding: Finding) -> str:
    """``file:line`` for code, the ARN for a live resource (unescaped: each format escapes)."""
    location = finding.location
    where = location.file or location.arn or ""
    if location.file and location.line:
        where += f":{location.line}"
    return where
