"""The JSON format (DESIGN.md §3): one object, findings sorted by file, line, rule."""

from __future__ import annotations

import json
from typing import Any

from tagcheck import __version__
from tagcheck.model import Finding, Location, Resource, RunResult, Unknown

SCHEMA_VERSION = 1


def _plain(value: Any) -> Any:
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def location_dict(location: Location) -> dict:
    if location.arn and not location.file:
        return {"arn": location.arn}
    return {"file": location.file, "line": location.line, "end_line": location.end_line}


def resource_dict(resource: Resource | None) -> dict | None:
    if resource is None:
        return None
    return {"address": resource.address, "type": resource.type, "origin": resource.origin.value,
            "region": _plain(resource.region), "account": resource.account}


def finding_dict(finding: Finding) -> dict:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "lever": finding.lever.value,
        "resource": resource_dict(finding.resource),
        "location": location_dict(finding.location),
        "message": finding.message,
        "key": finding.key,
        "details": _plain(dict(finding.details)),
        "monthly_cost_usd": finding.monthly_cost_usd,
        "monthly_saving_usd": finding.monthly_saving_usd,
        "fix": finding.fix,
    }


def document(result: RunResult) -> dict:
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "tagcheck", "version": __version__},
        "findings": [finding_dict(f) for f in result.findings],
        "summary": _plain(dict(result.summary)),
    }


def render(result: RunResult, **_options: Any) -> str:
    text = json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a hostile value: escape everything
        text = json.dumps(document(result), indent=2, ensure_ascii=True) + "\n"
    return text
