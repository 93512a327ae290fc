"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure DevOps, …).

One ``<testcase>`` per scanned resource (classname: its file, or its type for a live
resource; name: its address) with one ``<failure type="RULE">`` per error or warning
finding on it and the info findings in ``<system-out>``. A finding without a resource (a
file that cannot be parsed, a remote module not scanned, a stale policy ignore entry) is a
testcase of its own (classname: the rule, name: ``file:line``); a remote module that was
not scanned (TC003 at info) is ``<skipped>``. Suppressed findings are left out.

Counts: ``tests`` testcases, ``failures`` testcases with at least one failure, ``skipped``
testcases skipped, ``errors`` 0 (a crashed rule is reported as the finding TC000).
Every string passes through ``xml_text``: characters XML 1.0 forbids and control or bidi
characters become visible escapes; ``xml.etree`` escapes the markup characters.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from tagcheck.model import Finding, Resource, RunResult, Severity
from tagcheck.report.findings import location_label
from tagcheck.report.escape import xml_text

_SKIP_RULES = {"TC003"}


@dataclass
class _Case:
    classname: str
    name: str
    findings: list[Finding] = field(default_factory=list)


def render(result: RunResult, *, suite_name: str = "tagcheck", show_fix: bool = True, **_options: Any) -> str:
    """``suite_name``: the testsuite (and testsuites) name; ``show_fix``: put the fix text in
    each failure's body."""
    cases = _cases(result)
    root = ET.Element("testsuites")
    suite = ET.SubElement(root, "testsuite")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for case in cases:
        element = ET.SubElement(suite, "testcase", {"classname": xml_text(case.classname), "name": xml_text(case.name)})
        counts["tests"] += 1
        failing = [f for f in case.findings if f.severity != Severity.INFO]
        other = [f for f in case.findings if f.severity == Severity.INFO]
        skipped = [f for f in other if f.rule in _SKIP_RULES and f.resource is None]
        other = [f for f in other if not (f.rule in _SKIP_RULES and f.resource is None)]
        for finding in failing:
            failure = ET.SubElement(element, "failure", {"message": xml_text(finding.message), "type": finding.rule})
            failure.text = xml_text(_body(finding, show_fix))
        if failing:
            counts["failures"] += 1
        elif skipped:
            ET.SubElement(element, "skipped", {"message": xml_text(" ".join(_headline(f) for f in skipped))})
            counts["skipped"] += 1
        if other:
            out = ET.SubElement(element, "system-out")
            out.text = xml_text("\n".join(f"{f.severity.value} {_headline(f)} ({location_label(f)})" for f in other))
    for attrs in (root, suite):
        attrs.set("name", xml_text(suite_name))
        for key, value in counts.items():
            attrs.set(key, str(value))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _cases(result: RunResult) -> list[_Case]:
    by_address: dict[str, _Case] = {}
    for resource in result.resources:
        by_address.setdefault(resource.address, _Case(_classname(resource), resource.address))
    loose: dict[tuple[str, str], _Case] = {}
    for finding in result.findings:
        if finding.resource is not None:
            case = by_address.setdefault(finding.resource.address,
                                         _Case(_classname(finding.resource), finding.resource.address))
        else:
            name = location_label(finding) or "(no location)"
            case = loose.setdefault((finding.rule, name), _Case(finding.rule, name))
        case.findings.append(finding)
    return list(by_address.values()) + list(loose.values())


def _classname(resource: Resource) -> str:
    return resource.location.file or resource.type


def _headline(finding: Finding) -> str:
    return f"{finding.rule}: {finding.message}"


def _body(finding: Finding, show_fix: bool) -> str:
    lines = [f"{finding.severity.value} {finding.rule}: {finding.message}"]
    where = location_label(finding)
    if where:
        lines.append(f"location: {where}")
    if finding.monthly_cost_usd is not None:
        lines.append(f"monthly cost: ${finding.monthly_cost_usd:,.2f}")
    if finding.monthly_saving_usd:
        lines.append(f"possible monthly saving: ${finding.monthly_saving_usd:,.2f}")
    if show_fix and finding.fix:
        lines.append("fix:")
        # split on newlines only: str.splitlines would also break at \r, \x0b, \x1c…, U+2028
        lines.extend("  " + line for line in finding.fix.replace("\r\n", "\n").split("\n"))
    return "\n".join(lines)
