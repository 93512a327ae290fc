"""SARIF as code scanning takes it (issue #14): valid against the OASIS schema, and within
the stricter rules GitHub applies on upload, for a scan, a plan located at its blocks, a
plan that cannot be; rule help and links by default; ``aws -f sarif`` refused."""

from __future__ import annotations

import email.message
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from tagcheck import app
from tagcheck.cli import main
from tagcheck.model import RunResult, Summary
from tagcheck.report import render
from tagcheck.report.findings import sarif

HERE = Path(__file__).resolve().parent
SCHEMA = json.loads((HERE.parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
CASES = HERE.parent / "sources" / "terraform" / "cases"
TWINS = HERE.parent / "sources" / "plan" / "twins"
PLAN_CASE = "module_for_each_count"
OWNER_POLICY = "version: 1\ntags:\n  required: [owner]\n"  # a finding on every resource
# RFC 3986 URI reference: what GitHub's "uri-reference" format check lets through
REAL_PROJECT_URLS = sarif.project_urls  # before the autouse fixture replaces it
_URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


def validate(doc: dict) -> dict:
    validator = jsonschema.validators.validator_for(SCHEMA)
    errors = sorted(validator(SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    return doc


def github_problems(doc: dict) -> list[str]:
    """What GitHub code scanning rejects or mislocates beyond the schema: a result whose rule
    is not in the driver or whose ruleIndex points elsewhere, no physical location (the whole
    upload fails), a URI that is neither relative to a base id nor an absolute file: URI, a
    region before line 1, fingerprints missing."""
    problems = []
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    for i, result in enumerate(run["results"]):
        where = f"results[{i}] {result.get('ruleId')}"
        if result["ruleId"] not in ids:
            problems.append(f"{where}: rule not in driver.rules")
        elif "ruleIndex" in result and ids[result["ruleIndex"]] != result["ruleId"]:
            problems.append(f"{where}: ruleIndex {result['ruleIndex']} is {ids[result['ruleIndex']]}")
        physical = [loc["physicalLocation"] for loc in result.get("locations", []) if "physicalLocation" in loc]
        if not physical:
            problems.append(f"{where}: no physical location")
        for location in physical:
            artifact = location["artifactLocation"]
            uri = artifact.get("uri", "")
            if not uri or not _URI_REFERENCE.match(uri):
                problems.append(f"{where}: {uri!r} is not a URI reference")
            elif "uriBaseId" in artifact:
                if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri) or uri.startswith("/") or ".." in uri.split("/"):
                    problems.append(f"{where}: {uri!r} with a base id is not a relative path inside it")
            elif not uri.startswith("file:///"):
                problems.append(f"{where}: {uri!r} is neither relative (with uriBaseId) nor an absolute file: URI")
            region = location.get("region")
            if region is not None and (region.get("startLine", 0) < 1
                                       or region.get("endLine", region["startLine"]) < region["startLine"]
                                       or region.get("startColumn", 1) < 1):
                problems.append(f"{where}: region {region}")
        if not result.get("partialFingerprints"):
            problems.append(f"{where}: no partialFingerprints")
    for rule in rules:
        if not rule.get("help", {}).get("markdown"):
            problems.append(f"rule {rule['id']}: no help.markdown")
    return problems


def _uris(doc: dict) -> set[str]:
    return {loc["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]
            for loc in r["locations"]}


def _fingerprints(doc: dict) -> list[tuple[str, str]]:
    return sorted((r["ruleId"], r["partialFingerprints"]["tagcheck/v1"]) for r in doc["runs"][0]["results"])


@pytest.fixture(autouse=True)
def no_project_urls(monkeypatch):
    """As the project is installed today: no [project.urls] (tests that need them set them)."""
    monkeypatch.setattr(sarif, "project_urls", lambda: {})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository: the reporters' fixture under infra/, a module case with its plan under
    stack/, and a policy that gives every resource a finding."""
    root = tmp_path / "repo"
    shutil.copytree(HERE / "fixture", root / "infra")
    shutil.copytree(CASES / PLAN_CASE, root / "stack")
    shutil.copy(TWINS / f"{PLAN_CASE}.plan.json", root / "stack" / "plan.json")
    (root / "owner.yaml").write_text(OWNER_POLICY, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def _sarif(capsys, *argv: str) -> dict:
    assert main([*argv, "-f", "sarif", "--fail-on", "never"]) == 0
    return json.loads(capsys.readouterr().out)


def _plan(capsys, plan: str, *extra: str, policy: str = "../owner.yaml") -> dict:
    return _sarif(capsys, "plan", plan, "--policy", policy, *extra)


# --- scan -------------------------------------------------------------------------------------

def test_a_scan_from_a_subdirectory_is_valid_and_located_from_the_top(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "infra")  # a job with working-directory: infra
    doc = validate(_sarif(capsys, "scan", ".", "--no-cache"))
    assert not github_problems(doc)
    assert _uris(doc) == {"infra/main.tf"}
    assert _fingerprints(doc) == _fingerprints(_sarif(capsys, "scan", ".", "--no-cache"))  # stable across runs


def test_a_module_outside_the_working_directory_is_still_relative_to_the_top(repo, capsys, monkeypatch):
    """Files outside the scanned directory are absolute paths in the scan; inside the
    repository they are repository-relative URIs all the same."""
    (repo / "modules" / "q").mkdir(parents=True)
    (repo / "modules" / "q" / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n}\n', encoding="utf-8")
    (repo / "root").mkdir()
    (repo / "root" / "main.tf").write_text('module "q" {\n  source = "../modules/q"\n}\n', encoding="utf-8")
    monkeypatch.chdir(repo / "root")
    doc = validate(_sarif(capsys, "scan", ".", "--no-cache", "--policy", "../owner.yaml"))
    assert not github_problems(doc)
    assert _uris(doc) == {"modules/q/main.tf"}


# --- plans ------------------------------------------------------------------------------------

def test_a_plan_with_its_configuration_has_repository_uris_and_regions(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "stack")
    doc = validate(_plan(capsys, "plan.json"))
    assert not github_problems(doc)
    results = doc["runs"][0]["results"]
    assert len(results) == 12
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] in {"stack/modules/queue/main.tf", "stack/modules/topic/main.tf"}
        assert physical["region"] == {"startLine": 5, "endLine": 8}
        assert "plan_location" not in result["properties"] and "source positions" not in result["message"]["text"]


def test_a_plan_without_its_configuration_points_at_the_plan_file_and_says_why(repo, capsys, monkeypatch):
    (repo / "plans").mkdir()
    shutil.move(repo / "stack" / "plan.json", repo / "plans" / "plan.json")
    monkeypatch.chdir(repo / "stack")  # the plan is outside the working directory, inside the repository
    doc = validate(_plan(capsys, "../plans/plan.json"))
    assert not github_problems(doc)
    assert _uris(doc) == {"plans/plan.json"}  # relative to the top: never an absolute file: URI here
    for result in doc["runs"][0]["results"]:
        assert "region" not in result["locations"][0]["physicalLocation"]
        assert "Terraform plans carry no source positions" in result["message"]["text"]
        assert result["properties"]["plan_location"] == sarif.PLAN_WITHOUT_POSITION
    located = _plan(capsys, "../plans/plan.json", "--config-dir", ".")
    assert _fingerprints(located) == _fingerprints(doc)  # the same alerts, wherever they point


def test_a_plan_outside_the_repository_is_an_absolute_file_uri(repo, capsys, monkeypatch, tmp_path):
    outside = tmp_path / "elsewhere" / "plan.json"
    outside.parent.mkdir()
    shutil.copy(TWINS / f"{PLAN_CASE}.plan.json", outside)
    monkeypatch.chdir(repo / "stack")
    doc = validate(_plan(capsys, str(outside)))
    assert not github_problems(doc)
    assert _uris(doc) == {outside.as_uri()}


# --- the live audit ---------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["-f", "sarif"], ["-f", "json", "-o", "a.json", "-f", "sarif"]])
def test_aws_sarif_is_refused_before_any_aws_call(argv, capsys, monkeypatch):
    def audit(_options):
        raise AssertionError("the audit ran")

    monkeypatch.setattr(app, "collect_aws", audit)
    assert main(["aws", "--demo", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tagcheck: error: -f sarif is not available for a live audit")
    assert "json, markdown, junit, github, text or html" in err and len(err.strip().splitlines()) == 1


def test_a_live_result_in_the_renderer_keeps_its_arn_as_a_logical_location():
    """Refused at the command line; a RunResult with live resources still renders."""
    from tagcheck.model import Finding, Lever, Location, Origin, Resource, Severity, TagSet

    live = Resource("aws_s3_bucket.b", "aws_s3_bucket", Origin.AWS, Location(arn="arn:aws:s3:::b"), TagSet())
    finding = Finding("TAG001", Severity.ERROR, Lever.TAGGING, "m", live.location, live)
    doc = validate(json.loads(render("findings", "sarif", RunResult((finding,), (live,), (), Summary()))))
    assert doc["runs"][0]["results"][0]["locations"] == [
        {"logicalLocations": [{"kind": "resource", "name": "aws_s3_bucket.b", "fullyQualifiedName": "arn:aws:s3:::b"}]}]
    assert github_problems(doc) == ["results[0] TAG001: no physical location"]  # what the CLI refuses


# --- rule help and links ----------------------------------------------------------------------

def _driver(**options) -> dict:
    result = RunResult(findings=(), resources=(), suppressed=(), summary=Summary())
    return validate(json.loads(render("findings", "sarif", result, **options)))["runs"][0]["tool"]["driver"]


def test_without_urls_every_rule_still_has_its_help():
    driver = _driver()
    assert "informationUri" not in driver and not any("helpUri" in r for r in driver["rules"])
    assert all(r["help"]["markdown"].startswith(f"# {r['id']} ") for r in driver["rules"])


def test_urls_come_from_the_project_metadata_by_default(monkeypatch):
    monkeypatch.setattr(sarif, "project_urls", lambda: {"documentation": "https://d.example/rules",
                                                        "homepage": "https://h.example/tagcheck"})
    driver = _driver()
    assert driver["informationUri"] == "https://h.example/tagcheck"
    assert all(r["helpUri"] == f"https://d.example/rules#{r['id'].lower()}" for r in driver["rules"])
    driver = _driver(docs_url="https://mine.example/r")  # --docs-url wins
    assert driver["informationUri"] == "https://h.example/tagcheck"
    assert {r["helpUri"] for r in driver["rules"]} >= {"https://mine.example/r#tag001"}
    monkeypatch.setattr(sarif, "project_urls", lambda: {"documentation": "https://d.example/rules"})
    assert _driver()["informationUri"] == "https://d.example/rules"


def test_docs_url_reaches_sarif_from_the_command_line(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "infra")
    monkeypatch.setenv("TAGCHECK_DOCS_URL", "https://env.example/rules")
    driver = _sarif(capsys, "scan", ".", "--no-cache")["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://env.example/rules"
    assert driver["rules"][0]["helpUri"] == f"https://env.example/rules#{driver['rules'][0]['id'].lower()}"


def test_project_urls_reads_the_package_metadata(monkeypatch):
    import importlib.metadata

    message = email.message.Message()
    for entry in ("Homepage, https://h.example", "Docs, https://d.example/rules",
                  "Source, git@example.com:x.git", "Bug Tracker, https://b.example"):
        message["Project-URL"] = entry
    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: message)
    REAL_PROJECT_URLS.cache_clear()
    try:
        assert REAL_PROJECT_URLS() == {"homepage": "https://h.example", "documentation": "https://d.example/rules",
                                        "bugtracker": "https://b.example"}
    finally:
        REAL_PROJECT_URLS.cache_clear()


def test_the_installed_metadata_gives_only_web_addresses():
    """Whatever pyproject.toml's [project.urls] holds when the tests run."""
    urls = REAL_PROJECT_URLS.__wrapped__()
    assert all(u.startswith(("https://", "http://")) for u in urls.values())


# --- URIs -------------------------------------------------------------------------------------

@pytest.mark.skipif(os.sep != "/", reason="POSIX paths")
@pytest.mark.parametrize("path, prefix, expected", [
    ("main.tf", "", ("main.tf", "%SRCROOT%")),
    ("./a/../main.tf", "infra/", ("infra/main.tf", "%SRCROOT%")),
    ("../plans/plan.json", "infra/", ("plans/plan.json", "%SRCROOT%")),
    ("/repo/infra/modules/q/main.tf", "infra/", ("infra/modules/q/main.tf", "%SRCROOT%")),
    ("/repo/modules/q/main.tf", "infra/", ("modules/q/main.tf", "%SRCROOT%")),
    ("../../outside/plan.json", "infra/", ("file:///outside/plan.json", None)),
    ("/outside/plan.json", "infra/", ("file:///outside/plan.json", None)),
    ("a dir/m.tf", "", ("a%20dir/m.tf", "%SRCROOT%")),
])
def test_artifact_uris(path, prefix, expected):
    assert sarif.artifact_uri(path, prefix, cwd="/repo/infra") == expected
