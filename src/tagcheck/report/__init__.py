"""Reporters: pure functions from a RunResult to text, registered by format name.

Each format lives in its own module, imported only when that format is asked for.
"""

from __future__ import annotations

import importlib
from typing import Callable

from tagcheck.model import Finding, RunResult

FORMATS: dict[str, str] = {
    "text": "tagcheck.report.text",
    "json": "tagcheck.report.json_report",
    "sarif": "tagcheck.report.sarif",
    "junit": "tagcheck.report.junit",
    "github": "tagcheck.report.github",
    "markdown": "tagcheck.report.markdown",
}


def get_reporter(name: str) -> Callable[..., str]:
    """The ``render(result, **options) -> str`` function of a format."""
    return importlib.import_module(FORMATS[name]).render


def render(name: str, result: RunResult, **options) -> str:
    return get_reporter(name)(result, **options)


def location_label(finding: Finding) -> str:
    """``file:line`` for code, the ARN for a live resource (unescaped: each format escapes)."""
    location = finding.location
    where = location.file or location.arn or ""
    if location.file and location.line:
        where += f":{location.line}"
    return where
