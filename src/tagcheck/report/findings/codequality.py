"""GitLab Code Quality (``-f codequality``): the JSON array a job names under
``artifacts: reports: codequality:``, shown in the merge request's widget and diff.

GitLab reads a subset of the Code Climate issue format, and of each issue only
``description``, ``check_name``, ``fingerprint``, ``severity``, ``location.path`` and
``location.lines.begin``; that is all this format writes::

    [{"description": "TAG001 module.training.aws_instance.trainer: missing required tag: cost-center ($2,283.80/mo)",
      "check_name": "TAG001", "fingerprint": "…64 hex digits…", "severity": "major",
      "location": {"path": "modules/training/main.tf", "lines": {"begin": 56}}}]

Decisions (GitLab documents the fields, not these choices):

* Severity: error → ``major``, warning → ``minor``, info → ``info``. GitLab's scale
  (info, minor, major, critical, blocker) is for code defects; tagcheck's errors are policy
  violations, and ``critical``/``blocker`` would rank an untagged bucket with a crash.
* Fingerprint: GitLab keys a report's issues by fingerprint (two issues with one are one)
  and tells "new" from "resolved" by comparing the merge request's report with the target
  branch's. It is the sha256 of tagcheck's finding identity (rule | resource address | key,
  as the baseline matches: it survives edits above the resource) with the root module the
  address belongs to (a monorepo's roots may each have an ``aws_s3_bucket.logs``), both
  repository-relative so that the checkout directory does not enter it; a finding with no
  resource is identified by its file. Should two findings still share one, the later ones
  get an occurrence number, so none is lost.
* Paths are relative to the repository's top directory, whatever the job's working
  directory, as in SARIF: the CLI passes ``uri_prefix``, the working directory relative to
  that root (``--sarif-root`` chooses another root). A file outside the root keeps its
  absolute path: GitLab cannot link it, but the issue still says where it is.
* ``lines.begin`` is the block's first line; 1 where a finding has no line (a plan whose
  configuration was not found, a problem with a whole file).
* Suppressed findings are left out: the format has no field for an accepted issue, and
  GitLab would show it as open.
* A finding located by ARN alone (a live resource) has no file of the repository to point
  at, so it is left out here; ``tagcheck aws`` refuses this format, as it refuses SARIF,
  rather than write a report that lacks them (cli/aws.py).

Texts shown to the reader pass through ``terminal_safe``: a control or bidi character in a
tag value is a visible escape. The file is ASCII-only JSON (``\\uXXXX`` escapes), so a file
name the file system decoded with surrogateescape cannot make it unwritable.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from typing import Any

from tagcheck.model import Finding, RunResult, Severity
from tagcheck.report.escape import terminal_safe

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
FINGERPRINT_VERSION = "tagcheck/codequality/v1"


def render(result: RunResult, *, uri_prefix: str = "", **_options: Any) -> str:
    """``uri_prefix``: the working directory relative to the repository's top ("infra/")."""
    return json.dumps(issues(result, uri_prefix=uri_prefix), indent=2, ensure_ascii=True) + "\n"


def issues(result: RunResult, *, uri_prefix: str = "", cwd: str | None = None) -> list[dict]:
    out: list[dict] = []
    seen: dict[str, int] = {}
    for finding in sorted(result.findings, key=Finding.sort_key):
        if not finding.location.file:
            continue  # located by ARN only: see the module docstring
        fingerprint = _fingerprint(finding, uri_prefix, cwd)
        count = seen.get(fingerprint, 0)
        seen[fingerprint] = count + 1
        if count:
            fingerprint = _sha256(f"{fingerprint}|{count}")
        out.append({
            "description": description(finding),
            "check_name": finding.rule,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "location": {"path": repository_path(finding.location.file, uri_prefix, cwd),
                         "lines": {"begin": finding.location.line or 1}},
        })
    return out


def description(finding: Finding) -> str:
    subject = f"{finding.rule} {finding.resource.address}" if finding.resource else finding.rule
    money = []
    if finding.monthly_cost_usd is not None:
        money.append(f"${finding.monthly_cost_usd:,.2f}/mo")
    if finding.monthly_saving_usd:
        money.append(f"possible saving ${finding.monthly_saving_usd:,.2f}/mo")
    text = f"{subject}: {finding.message}" + (f" ({'; '.join(money)})" if money else "")
    return terminal_safe(text)


def repository_path(path: str, prefix: str = "", cwd: str | None = None) -> str:
    """``path`` (relative to the working directory ``cwd``, or absolute) relative to the
    repository's top, ``prefix`` being the working directory relative to that top; the
    absolute path when the file lies outside it."""
    cwd = cwd or os.getcwd()
    relative: str | None = path
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path, cwd)
        except ValueError:  # another drive (Windows)
            relative = None
    if relative is not None:
        inside = posixpath.normpath(prefix + relative.replace(os.sep, "/"))
        if inside != ".." and not inside.startswith("../"):
            return inside
    return os.path.abspath(os.path.join(cwd, path)).replace(os.sep, "/")


def _fingerprint(finding: Finding, prefix: str, cwd: str | None) -> str:
    resource = finding.resource
    if resource is not None:
        root = repository_path(resource.root, prefix, cwd) if resource.root else ""
        identity = f"{finding.rule}|{resource.address}|{finding.key or ''}|{root}"
    else:
        identity = f"{finding.rule}||{finding.key or ''}|{repository_path(finding.location.file or '', prefix, cwd)}"
    return _sha256(f"{FINGERPRINT_VERSION}|{identity}")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
