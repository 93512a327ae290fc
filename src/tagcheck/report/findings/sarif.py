"""SARIF 2.1.0 (DESIGN.md §3): one run, every rule in the driver, one result per finding.

Code-scanning services (GitHub, GitLab, Azure DevOps) read this. Results are located by
file and line relative to ``%SRCROOT%`` — the repository's top directory, so that a job run
in a subdirectory (``working-directory:``) still points at the right files: the CLI passes
``uri_prefix``, the working directory relative to that root (``--sarif-root`` to choose
another). Paths relative to the working directory, and absolute ones inside the root (a
module called from ``../../modules``), become URIs relative to the root; only a file outside
it is an absolute ``file:`` URI. ``partialFingerprints`` hash the finding's fingerprint
(rule | address | key), so an alert survives the resource moving in its file. Suppressed
findings are included with a ``suppressions`` entry: ``inSource`` for an inline
``tagcheck:ignore`` comment, ``external`` for a policy ``ignore`` entry.

Rule help and links (issue #14). Every rule carries ``help`` — ``markdown`` and ``text``, the
page ``tools/gen_rule_docs.py`` writes to ``docs/rules/<RULE>.md`` (report/rule_docs.py) —
so the alert explains itself with no URL at all: GitHub renders ``help.markdown``. The
project has no public address we know of, and a made-up one would send every alert's
"learn more" to a page that does not exist. So the URLs come from one place, the project's
``[project.urls]`` in pyproject.toml, read from the installed package's metadata when a
SARIF file is rendered (``importlib.metadata``, imported here only): ``Documentation`` —
where ``docs/rules/`` is published; each rule's ``helpUri`` is ``{url}#{rule id in lower
case}``, the index's heading for it — is the default of ``--docs-url``, and ``Homepage``
(else the docs URL) is the driver's ``informationUri``. Until the maintainers set those at
publication, a run without ``--docs-url`` has no ``helpUri``/``informationUri`` and is still
complete; ``--docs-url`` (or ``TAGCHECK_DOCS_URL``) overrides the metadata.

Plans (issue #14). A plan resource is located at its block in the ``.tf`` files when
``tagcheck plan`` found the configuration (sources/plan_locations.py), and then looks like
a scanned one. One it could not place is located at the plan file, with no region; its
message and the ``plan_location`` property say so (Terraform plans carry no source
positions), so a reader of the alert knows why it points at a file and not a line.

Live resources (issue #14). GitHub code scanning takes only results located in a file of the
repository: a result with logical locations alone makes it reject the whole upload
("expected artifact location"), and so does an absolute URI of another scheme than the
checkout's ``file`` (an ``aws://`` or ``arn:`` URI: "SARIF URI scheme … did not match the
checkout URI scheme"). A made-up repository path per ARN would upload, but as alerts on
files that do not exist, and a live account has no branch for code scanning to compare
against. So ``tagcheck aws -f sarif`` is refused (exit 2, cli/aws.py), naming the formats
that serve a live audit; this renderer still gives a live resource a logical location
holding its ARN, for any other reader of a ``RunResult``.

The output is ASCII-only JSON: a bidi override or control character in a tag value is a
``\\uXXXX`` escape in the file, and the texts meant for display (message, fix) show such
characters as visible escapes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import posixpath
from pathlib import PureWindowsPath
from typing import Any
from urllib.parse import quote

from tagcheck import __version__
from tagcheck.model import Finding, Location, Origin, RunResult, Severity, Unknown
from tagcheck.report import rule_docs
from tagcheck.report.escape import terminal_safe
from tagcheck.rules import ALL_RULES, Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "tagcheck/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
DISTRIBUTION = "tagcheck"
PLAN_WITHOUT_POSITION = ("located at the plan file: Terraform plans carry no source positions, and the resource's "
                         "block was not found in the configuration (tagcheck plan --config-dir DIR)")


def render(result: RunResult, *, docs_url: str | None = None, uri_prefix: str = "", **_options: Any) -> str:
    """``docs_url``: where the rule documentation index is published (default: the
    ``Documentation`` URL of the package's ``[project.urls]``); each rule's ``helpUri`` is
    ``{docs_url}#{rule id in lower case}``. ``uri_prefix``: the working directory relative
    to ``%SRCROOT%`` (``"infra/"``), put before every relative path."""
    urls = project_urls()
    docs_url = docs_url or urls.get("documentation")
    home = urls.get("homepage") or docs_url
    return json.dumps(document(result, docs_url=docs_url, uri_prefix=uri_prefix, information_uri=home),
                      indent=2, ensure_ascii=True) + "\n"


def document(result: RunResult, *, docs_url: str | None = None, uri_prefix: str = "",
             information_uri: str | None = None) -> dict:
    rules = list(ALL_RULES)
    index = {rule.id: i for i, rule in enumerate(rules)}
    driver: dict[str, Any] = {"name": "tagcheck", "version": __version__}
    if information_uri or docs_url:
        driver["informationUri"] = information_uri or docs_url
    driver["rules"] = [rule_descriptor(rule, docs_url) for rule in rules]
    results = [result_object(f, index, uri_prefix=uri_prefix) for f in sorted(result.findings, key=Finding.sort_key)]
    results += [result_object(f, index, suppressed=True, uri_prefix=uri_prefix)
                for f in sorted(result.suppressed, key=Finding.sort_key)]
    run: dict[str, Any] = {"tool": {"driver": driver}, "results": results}
    run["properties"] = {"summary": _plain(result.summary.to_json())}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


@functools.cache
def project_urls() -> dict[str, str]:
    """The package's ``[project.urls]`` (``Project-URL`` metadata) by lower-case label,
    http(s) addresses only; {} when there are none or the package is not installed."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata(DISTRIBUTION).get_all("Project-URL") or []
    except PackageNotFoundError:
        return {}
    urls = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        label, url = "".join(c for c in label.lower() if c.isalnum()), url.strip()
        if url.startswith(("https://", "http://")):
            urls.setdefault({"home": "homepage", "docs": "documentation"}.get(label, label), url)
    return urls


def rule_descriptor(rule: Rule, docs_url: str | None = None) -> dict:
    docs = rule.docs.strip() or rule.summary
    help_page = rule_docs.page(rule, links=False)  # a relative link means nothing inside a SARIF file
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(docs)},
        "help": {"text": help_page, "markdown": help_page},
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
    text = f"{text} ({'; '.join(money)})" if money else text
    return f"{text} [{PLAN_WITHOUT_POSITION}]" if _plan_without_position(finding) else text


def _plan_without_position(finding: Finding) -> bool:
    resource = finding.resource
    return resource is not None and resource.origin is Origin.PLAN and not finding.location.line


def artifact_uri(path: str, prefix: str = "", cwd: str | None = None) -> tuple[str, str | None]:
    """A file path as a URI reference and its base id. Paths are relative to the working
    directory ``cwd`` (default: the process's), and ``prefix`` is that directory relative to
    ``%SRCROOT%``: a path that stays inside the root — relative, or absolute — is a URI
    relative to ``%SRCROOT%``; one outside it is an absolute ``file:`` URI."""
    relative: str | None = path
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path, cwd or os.getcwd())
        except ValueError:  # another drive (Windows)
            relative = None
    if relative is not None:
        posix = PureWindowsPath(relative).as_posix() if os.sep == "\\" else relative
        inside = posixpath.normpath(prefix + posix)
        if inside != ".." and not inside.startswith("../"):
            return _quote(inside), SRCROOT
    absolute = os.path.abspath(os.path.join(cwd or os.getcwd(), path))
    if os.sep == "\\":
        return "file:///" + _quote(PureWindowsPath(absolute).as_posix(), safe="/:"), None
    return "file://" + _quote(absolute), None


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
    if _plan_without_position(finding):
        props["plan_location"] = PLAN_WITHOUT_POSITION
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
