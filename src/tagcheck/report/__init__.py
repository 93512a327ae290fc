"""Reporters: pure functions from a result to text, in one registry.

A format is of one of two kinds. A *findings* format renders a run's ``RunResult`` (the
findings and the summary); a *showback* format renders the showback document built from it
(``tagcheck.cost.allocation.build``: cost by team, feature, component). ``scan --format html`` and
``report --format html`` are the same showback page. Each format lives in its own module,
imported only when that format is asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

REGISTRY: dict[str, dict[str, str]] = {
    "findings": {
        "text": "tagcheck.report.findings.text",
        "json": "tagcheck.report.findings.json_report",
        "sarif": "tagcheck.report.findings.sarif",
        "junit": "tagcheck.report.findings.junit",
        "github": "tagcheck.report.findings.github",
        "markdown": "tagcheck.report.findings.markdown",
        "codequality": "tagcheck.report.findings.codequality",
    },
    "showback": {
        "html": "tagcheck.report.showback.html_page",
        "markdown": "tagcheck.report.showback.markdown_page",
        "csv": "tagcheck.report.showback.csv_table",
        "json": "tagcheck.report.showback.json_document",
    },
}

# What scan, plan and aws write: every findings format, and the showback page.
RUN_FORMATS: dict[str, str] = {**{name: "findings" for name in REGISTRY["findings"]}, "html": "showback"}


def formats(kind: str) -> tuple[str, ...]:
    return tuple(REGISTRY[kind])


def render(kind: str, name: str, subject: Any, **options: Any) -> str:
    """``subject`` is a RunResult for a findings format, a showback document otherwise."""
    return importlib.import_module(REGISTRY[kind][name]).render(subject, **options)
