"""SARIF 2.1.0 (DESIGN.md §3): one run, every rule in the driver, one result per finding.

Code-scanning services (GitHub, GitLab, Azure DevOps) read this. Results are located by
file and line relative to ``%SRCROOT%`` — the repository's top directory, so that a job run
in a subdirectory (``working-directory:``) still points at the right files: the CLI passes
``uri_prefix``, the scan directory relative to that root (``--sarif-root`` to choose another)
— or, for live resources, by a logical location holding the ARN. ``partialFingerprints`` hash the
finding's fingerprint (rule | address | key), so an alert survives the resource moving in
its file. Suppressed findings are included with a ``suppressions`` entry: ``inSource`` for
an inline ``tagcheck:ignore`` comment, ``external`` for a policy ``ignore`` entry.

The output is ASCII-only JSON: a bidi override or control character in a tag value is a
``\\uXXXX`` escape in the file, and the texts meant for display (message, fix) show such
characters as visible escapes.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from tagcheck import __version__
from tagcheck.model import Finding, Location, RunResult, Severity, Unknown
from tagcheck.report.escape import terminal_safe
from tagcheck.rules import ALL_RULES, Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "tagcheck/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(result: RunResult, *, docs_url: str | None = None, uri_prefix: str = "", **_options: Any) -> str:
    """``docs_url``: where the rule documentation lives; sets ``informationUri`` and each
    rule's ``helpUri`` (``{docs_url}#{rule id in lower case}``). ``uri_prefix``: the scan
    directory relative to ``%SRCROOT%`` (``"infra/"``), put before every relative path."""
    return json.dumps(document(result, docs_url=docs_url, uri_prefix=uri_prefix), indent=2, ensure_ascii=True) + "\n"


def document(result: RunResult, *, docs_url: str | None = None, uri_prefix: str = "") -> dict:
    rules = list(ALL_RULES)
    index = {rule.id: i for i, rule in enumerate(rules)}
    driver: dict[str, Any] = {"name": "tagcheck", "version": __version__}
    if docs_url:
        driver["informationUri"] = docs_url
    driver["rules"] = [rule_descriptor(rule, docs_url) for rule in rules]
    results = [result_object(f, index, uri_prefix=uri_prefix) for f in sorted(result.findings, key=Finding.sort_key)]
    results += [result_object(f, index, suppressed=True, uri_prefix=uri_prefix)
                for f in sorted(result.suppressed, key=Finding.sort_key)]
    run: dict[str, Any] = {"tool": {"driver": driver}, "results": results}
    run["properties"] = {"summary": _plain(result.summary.to_json())}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def rule_descriptor(rule: Rule, docs_url: str | None = None) -> dict:
    docs = rule.docs.strip() or rule.summary
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(docs)},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"lever": rule.lever.value, "tags": ["finops", rule.lever.value]},
    }
    if docs_url:
        descriptor["helpUri"] = f"{docs_url}#{rule.id.lower()}"
    return descriptor


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n", 1)[0].split())


def result_object(finding: Finding, rule_index: dict[str, int], *, suppressed: bool = False,
                  uri_prefix: str = "") -> dict:
    out: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in rule_index:
        out["ruleIndex"] = rule_index[finding.rule]
    out["level"] = LEVELS[finding.severity]
    out["message"] = {"text": message_text(finding)}
    location = location_object(finding, uri_prefix)
    out["locations"] = [location] if location else []
    out["partialFingerprints"] = {FINGERPRINT: hashlib.sha256(finding.fingerprint().encode("utf-8", "surrogatepass")).hexdigest()}
    if suppressed:
        out["suppressions"] = [suppression(finding)]
    out["properties"] = _properties(finding)
    return out


def message_text(finding: Finding) -> str:
    text = terminal_safe(finding.message)
    money = []
    if finding.monthly_cost_usd is not None:
        money.append(f"${finding.monthly_cost_usd:,.2f}/mo")
    if finding.monthly_saving_usd:
        money.append(f"possible saving ${finding.monthly_saving_usd:,.2f}/mo")
    return f"{text} ({'; '.join(money)})" if money else text


def artifact_uri(path: str, prefix: str = "") -> tuple[str, str | None]:
    """A file path as a URI reference and its base id: relative paths against ``%SRCROOT%``
    (after ``prefix``), absolute ones (files outside the scan directory) as ``file:`` URIs."""
    posix = path
    if os.sep == "\\":
        windows = PureWindowsPath(path)
        if windows.is_absolute():
            return "file:///" + _quote(windows.as_posix(), safe="/:"), None
        posix = windows.as_posix()
    if PurePosixPath(posix).is_absolute():
        return "file://" + _quote(posix), None
    if prefix:
        posix = posixpath.normpath(prefix + posix)
    return _quote(posix), SRCROOT


def _quote(path: str, safe: str = "/") -> str:
    try:  # a name the file system decoded with surrogateescape gets its original bytes back
        return quote(path, safe=safe, errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(path, safe=safe, errors="surrogatepass")


def location_object(finding: Finding, uri_prefix: str = "") -> dict | None:
    location: Location = finding.location
    if location.file:
        uri, base = artifact_uri(location.file, uri_prefix)
        artifact: dict[str, Any] = {"uri": uri}
        if base:
            artifact["uriBaseId"] = base
        physical: dict[str, Any] = {"artifactLocation": artifact}
        if location.line:
            region: dict[str, Any] = {"startLine": location.line,
                                      "endLine": max(location.end_line or location.line, location.line)}
            if location.column:
                region["startColumn"] = location.column
            physical["region"] = region
        out: dict[str, Any] = {"physicalLocation": physical}
        if finding.resource is not None:
            out["logicalLocations"] = [_logical(finding)]
        return out
    if location.arn or finding.resource is not None:
        return {"logicalLocations": [_logical(finding)]}
    return None


def _logical(finding: Finding) -> dict:
    resource = finding.resource
    logical: dict[str, Any] = {"kind": "resource"}
    if resource is not None:
        logical["name"] = resource.address
    logical["fullyQualifiedName"] = finding.location.arn or (resource.address if resource else "")
    return logical


def suppression(finding: Finding) -> dict:
    """Inline ``tagcheck:ignore`` marks live on the resource (the engine applies them before
    policy ignore entries), so a finding whose rule the resource marks was suppressed in source."""
    marks = finding.resource.suppressed_rules if finding.resource is not None else frozenset()
    if marks & {finding.rule, "ALL", "*"}:
        return {"kind": "inSource", "status": "accepted",
                "justification": "inline tagcheck:ignore comment on the resource"}
    return {"kind": "external", "status": "accepted", "justification": "ignore entry in the tagcheck policy"}


def _properties(finding: Finding) -> dict:
    props: dict[str, Any] = {}
    if finding.resource is not None:
        props["address"] = finding.resource.address
        props["resource_type"] = finding.resource.type
        props["origin"] = finding.resource.origin.value
    props["lever"] = finding.lever.value
    if finding.key is not None:
        props["key"] = finding.key
    if finding.monthly_cost_usd is not None:
        props["monthly_cost_usd"] = finding.monthly_cost_usd
    if finding.monthly_saving_usd is not None:
        props["monthly_saving_usd"] = finding.monthly_saving_usd
    if finding.details:
        props["details"] = _plain(dict(finding.details))
    if finding.fix:
        props["fix"] = terminal_safe(finding.fix)
    return props


def _plain(value: Any) -> Any:
    """JSON-ready data: unknowns as null, tuples and sets as lists, other objects as strings."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
