"""GitLab Code Quality (``-f codequality``): the fields GitLab reads, stable and unique
fingerprints, repository-relative paths, nothing lost or invented."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tagcheck import app, engine
from tagcheck.cli import main
from tagcheck.model import Finding, Lever, Location, Origin, Resource, RunResult, Severity, Summary, TagSet
from tagcheck.policy import load_policy
from tagcheck.report import render
from tagcheck.report.escape import terminal_safe
from tagcheck.report.findings import codequality
from tagcheck.sources.terraform.source import scan

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture"
EXAMPLE = HERE.parents[1] / "examples" / "terraform"

# GitLab's own validator of each issue (app/validators/json_schemas/codeclimate.json in
# gitlab-org/gitlab), with what its documentation adds: location.path and lines.begin are
# required, and severity is one of five words. An issue GitLab's validator rejects is dropped.
ISSUE_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["description", "check_name", "fingerprint", "severity", "location"],
    "properties": {
        "description": {"type": "string", "minLength": 1},
        "check_name": {"type": "string", "pattern": "^[A-Z]+[0-9]+$"},
        "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
        "location": {
            "type": "object",
            "required": ["path", "lines"],
            "properties": {
                "path": {"type": "string", "minLength": 1},
                "lines": {"type": "object", "required": ["begin"],
                          "properties": {"begin": {"type": "integer", "minimum": 1}}},
            },
        },
    },
}
REPORT_SCHEMA = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "array", "items": ISSUE_SCHEMA}


def _issues(text: str) -> list[dict]:
    doc = json.loads(text)
    errors = list(jsonschema.Draft7Validator(REPORT_SCHEMA).iter_errors(doc))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return doc


def _run(directory: Path) -> RunResult:
    scanned = scan([directory], cwd=directory)
    return engine.run(scanned.resources, scanned.problems, load_policy(start=directory))


def _finding(rule: str, severity: Severity, resource: Resource | None, message: str = "m", **extra) -> Finding:
    location = extra.pop("location", None) or (resource.location if resource else Location())
    return Finding(rule=rule, severity=severity, lever=Lever.TAGGING, message=message, location=location,
                   resource=resource, **extra)


def _resource(address: str, *, file: str | None = "main.tf", line: int | None = 3, root: str = "",
              arn: str | None = None) -> Resource:
    return Resource(address=address, type=address.split(".")[0], origin=Origin.AWS if arn else Origin.HCL,
                    location=Location(file, line, line, arn=arn), tags=TagSet(), root=root)


def _result(findings, suppressed=()) -> RunResult:
    return RunResult(findings=tuple(findings), resources=(), suppressed=tuple(suppressed), summary=Summary())


def test_every_finding_of_the_example_is_an_issue_gitlab_accepts():
    result = _run(EXAMPLE)
    issues = _issues(render("findings", "codequality", result))
    assert len(issues) == len(result.findings) > 10
    by_rule = {(i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues}
    assert by_rule == {(f.rule, f.location.file, f.location.line) for f in result.findings}
    trainer = next(i for i in issues if i["check_name"] == "TAG001" and "trainer" in i["description"])
    assert trainer["description"] == ("TAG001 module.training.aws_instance.trainer: missing required tag: "
                                      "cost-center ($2,283.80/mo)")
    assert trainer["severity"] == "major"
    assert trainer["location"] == {"path": "modules/training/main.tf", "lines": {"begin": 56}}


def test_severities_map_to_gitlabs_scale():
    res = _resource("aws_s3_bucket.a")
    result = _result([_finding("TAG001", Severity.ERROR, res), _finding("COST205", Severity.WARNING, res),
                      _finding("TAG005", Severity.INFO, res)])
    issues = _issues(render("findings", "codequality", result))
    assert {i["check_name"]: i["severity"] for i in issues} == {"TAG001": "major", "COST205": "minor", "TAG005": "info"}


def test_fingerprints_survive_moving_the_resources(tmp_path):
    shutil.copy(FIXTURE / ".tagcheck.yaml", tmp_path / ".tagcheck.yaml")
    (tmp_path / "main.tf").write_text("\n" * 5 + (FIXTURE / "main.tf").read_text(encoding="utf-8"), encoding="utf-8")
    before = _issues(render("findings", "codequality", _run(FIXTURE)))
    after = _issues(render("findings", "codequality", _run(tmp_path)))
    assert len(before) == len(after) >= 5
    for old, new in zip(before, after):
        assert old["fingerprint"] == new["fingerprint"]
        assert new["location"]["lines"]["begin"] == old["location"]["lines"]["begin"] + 5
    fingerprints = [i["fingerprint"] for i in before]
    assert len(set(fingerprints)) == len(fingerprints)


def test_the_same_address_in_two_roots_and_repeated_findings_keep_distinct_fingerprints():
    """GitLab keys issues by fingerprint: a shared one would merge two issues into one."""
    live = _resource("aws_s3_bucket.logs", file="live/main.tf", root="live")
    staging = _resource("aws_s3_bucket.logs", file="staging/main.tf", root="staging")
    twice = Location("bad.tf", 7, 7)
    result = _result([_finding("TAG001", Severity.ERROR, live, key="team"),
                      _finding("TAG001", Severity.ERROR, staging, key="team"),
                      _finding("TC001", Severity.ERROR, None, "cannot parse", location=twice),
                      _finding("TC001", Severity.ERROR, None, "cannot parse either", location=twice)])
    fingerprints = [i["fingerprint"] for i in _issues(render("findings", "codequality", result))]
    assert len(fingerprints) == 4 and len(set(fingerprints)) == 4


def test_paths_and_fingerprints_do_not_depend_on_the_working_directory(tmp_path):
    """From the repository's top, or from infra/ with the prefix the CLI passes: one report."""
    res_top = _resource("aws_s3_bucket.a", file="infra/main.tf", root="infra")
    res_sub = _resource("aws_s3_bucket.a", file="main.tf", root=".")
    absolute = _resource("aws_s3_bucket.b", file=str(tmp_path / "infra" / "modules" / "m.tf"), root=".")
    top = codequality.issues(_result([_finding("TAG001", Severity.ERROR, res_top)]), cwd=str(tmp_path))
    sub = codequality.issues(_result([_finding("TAG001", Severity.ERROR, res_sub)]), uri_prefix="infra/",
                             cwd=str(tmp_path / "infra"))
    assert top == sub and top[0]["location"]["path"] == "infra/main.tf"
    inside = codequality.issues(_result([_finding("TAG001", Severity.ERROR, absolute)]), uri_prefix="infra/",
                                cwd=str(tmp_path / "infra"))
    assert inside[0]["location"]["path"] == "infra/modules/m.tf"
    outside = codequality.repository_path("../../elsewhere/x.tf", "infra/", cwd=str(tmp_path / "infra"))
    assert outside == (tmp_path.parent / "elsewhere" / "x.tf").as_posix()


def test_suppressed_and_arn_only_findings_are_left_out_and_a_missing_line_is_line_1():
    plan = Resource(address="aws_s3_bucket.p", type="aws_s3_bucket", origin=Origin.PLAN,
                    location=Location("plan.json"), tags=TagSet())
    live = _resource("aws_s3_bucket.live", file=None, line=None, arn="arn:aws:s3:::live")
    kept = _finding("TAG001", Severity.ERROR, plan)
    result = _result([kept, _finding("TAG001", Severity.ERROR, live)],
                     suppressed=[_finding("TAG004", Severity.ERROR, _resource("aws_sqs_queue.q"))])
    issues = _issues(render("findings", "codequality", result))
    assert [(i["check_name"], i["location"]) for i in issues] == [("TAG001", {"path": "plan.json",
                                                                             "lines": {"begin": 1}})]


def test_hostile_text_is_escaped_and_the_file_is_ascii():
    hostile = "evil\x1b[31m\u202e\ud800\nline"
    res = _resource(f'aws_s3_bucket.b["{hostile}"]', file=f"dir/{hostile}.tf")
    text = render("findings", "codequality", _result([_finding("TAG002", Severity.ERROR, res, f"env={hostile}")]))
    assert text.isascii()
    (issue,) = _issues(text)
    assert issue["description"] == terminal_safe(issue["description"])
    assert "\x1b" not in issue["description"] and "\u202e" not in issue["description"]
    text.encode("utf-8")


def test_scan_from_a_subdirectory_writes_repository_relative_paths(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo / "infra")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    monkeypatch.chdir(repo / "infra")
    assert main(["scan", ".", "-f", "codequality", "--fail-on", "never"]) == 0
    issues = _issues(capsys.readouterr().out)
    assert issues and all(i["location"]["path"].startswith("infra/") for i in issues)
    assert {i["location"]["path"] for i in issues} >= {"infra/main.tf", "infra/modules/training/main.tf"}
    report = repo / "report.json"  # --sarif-root chooses the root: here the working directory
    assert main(["scan", ".", "--sarif-root", ".", "-f", "codequality", "-o", str(report), "--fail-on", "never"]) == 0
    assert not any(i["location"]["path"].startswith("infra/") for i in _issues(report.read_text()))


@pytest.mark.parametrize("argv", [["-f", "codequality"], ["-f", "json", "-o", "a.json", "-f", "codequality"]])
def test_aws_codequality_is_refused_before_any_aws_call(argv, capsys, monkeypatch):
    def audit(_options):
        raise AssertionError("the audit ran")

    monkeypatch.setattr(app, "collect_aws", audit)
    assert main(["aws", "--demo", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tagcheck: error: -f codequality is not available for a live audit")
    assert len(err.strip().splitlines()) == 1
