"""A plan's resources located at their blocks (sources/plan_locations.py, ``tagcheck plan
--config-dir``): the same file and line a scan of the configuration gives, for every twin
plan of the Terraform cases; the plan file, with the reason, when the configuration is
missing, remote or not the plan's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tagcheck.cli import main
from tagcheck.sources.plan import load_plan
from tagcheck.sources.plan_locations import place
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.source import scan

HERE = Path(__file__).resolve().parent
TWINS = HERE / "twins"
CASES = HERE.parent / "terraform" / "cases"
POLICY = CASES / "policy.yaml"
OWNER_POLICY = "version: 1\ntags:\n  required: [owner]\n"  # no resource of the case has one: a finding on each
CASE = "module_for_each_count"  # root resources none; module.x/y/w → ./modules/queue → ./modules/topic


def _twins() -> list[str]:
    return sorted(p.name[: -len(".plan.json")] for p in TWINS.glob("*.plan.json"))


@pytest.mark.parametrize("case", _twins())
def test_every_planned_resource_is_located_where_the_scan_locates_it(case, monkeypatch):
    """The twin plans were made in the case's root module (the scanned path), so each
    resource's location must be exactly the scan's: same file, same lines."""
    case_dir = CASES / case
    spec = yaml.safe_load((case_dir / "expected.yaml").read_text(encoding="utf-8")) or {}
    raw = spec.get("inputs") or {}
    inputs = RootInputs(var_files=[case_dir / f for f in raw.get("var_files", [])],
                        vars={k: str(v) for k, v in (raw.get("vars") or {}).items()})
    paths = [case_dir / p for p in spec.get("scan", ["."])]
    monkeypatch.chdir(case_dir)
    scanned = {r.address: r.location for r in scan(paths, inputs, cwd=case_dir).resources}
    plan = load_plan(TWINS / f"{case}.plan.json")
    root = paths[0] if paths[0].is_dir() else paths[0].parent  # file_path_scan scans main.tf
    placed = place(plan.resources, plan.configuration, TWINS / f"{case}.plan.json", root, ParseCache(None),
                   cwd=case_dir)
    assert placed.info["located"] == len(plan.resources) and placed.info["not_located"] == 0, placed.info
    for resource in placed.resources:
        assert resource.location.line, resource.address
        assert resource.location == scanned[resource.address], resource.address


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the case under infra/, its twin plan written beside it."""
    root = tmp_path / "repo"
    shutil.copytree(CASES / CASE, root / "infra")
    shutil.copy(TWINS / f"{CASE}.plan.json", root / "infra" / "plan.json")
    (root / "owner.yaml").write_text(OWNER_POLICY, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def _json(capsys, *argv: str) -> dict:
    """``tagcheck plan ARGV -f json`` with a policy that gives every resource a finding."""
    policy = next(d / "owner.yaml" for d in (Path.cwd(), *Path.cwd().parents) if (d / "owner.yaml").is_file())
    assert main(["plan", *argv, "--policy", str(policy), "-f", "json", "--fail-on", "never"]) == 0
    return json.loads(capsys.readouterr().out)


def _locations(doc: dict) -> dict[str, dict]:
    return {f["resource"]["address"]: f["location"] for f in doc["findings"] if f["resource"]}


def test_by_default_the_plan_file_directory_is_the_configuration(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "infra")
    doc = _json(capsys, "plan.json")
    where = _locations(doc)
    assert len(where) == 12
    assert where['module.w["green"].aws_sqs_queue.this'] == {"file": "modules/queue/main.tf", "line": 5,
                                                            "end_line": 8}
    assert where['module.w["green"].module.topic.aws_sns_topic.this']["file"] == "modules/topic/main.tf"
    assert doc["summary"]["scan"]["source_positions"] == {"config_dir": ".", "located": 12, "not_located": 0}
    assert main(["plan", "plan.json", "--policy", "../owner.yaml", "--fail-on", "never"]) == 0
    assert "modules/queue/main.tf:5" in capsys.readouterr().out  # text shows file:line too


def test_config_dir_for_a_plan_written_elsewhere(repo, capsys, monkeypatch):
    shutil.move(repo / "infra" / "plan.json", repo / "plan.json")
    monkeypatch.chdir(repo)
    assert _json(capsys, "plan.json")["summary"]["scan"]["source_positions"]["located"] == 0
    doc = _json(capsys, "plan.json", "--config-dir", "infra")
    assert {loc["file"] for loc in _locations(doc).values()} == {"infra/modules/queue/main.tf",
                                                                 "infra/modules/topic/main.tf"}


@pytest.mark.parametrize("where", ["empty", "missing"])
def test_a_config_dir_without_terraform_files_is_exit_2(repo, capsys, monkeypatch, where):
    (repo / "empty").mkdir()
    monkeypatch.chdir(repo)
    assert main(["plan", "infra/plan.json", "--policy", str(POLICY), "--config-dir", where]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tagcheck: error: --config-dir ") and where in err and "no Terraform files" in err


def test_a_directory_that_is_not_the_plans_configuration_is_not_used(repo, capsys, monkeypatch):
    """Code changed since the plan (a module lost its block): nothing of that module is put on
    another block that happens to share a name; the rest is located."""
    topic = repo / "infra" / "modules" / "topic" / "main.tf"
    topic.write_text(topic.read_text(encoding="utf-8").replace('"aws_sns_topic" "this"', '"aws_sns_topic" "other"'),
                     encoding="utf-8")
    monkeypatch.chdir(repo / "infra")
    doc = _json(capsys, "plan.json")
    positions = doc["summary"]["scan"]["source_positions"]
    assert positions["located"] == 6 and positions["not_located"] == 6
    assert positions["not_located_why"] == [{
        "reason": "modules/topic is not the configuration of module.w.module.topic in the plan (it has no block for "
                  "aws_sns_topic.this: another directory, or code changed since the plan)",
        "resources": 2}, *positions["not_located_why"][1:]]
    where = _locations(doc)
    assert {a for a, loc in where.items() if loc == {"file": "plan.json", "line": None, "end_line": None}} == {
        a for a in where if ".module.topic." in a}
    assert all(where[a] == {"file": "modules/queue/main.tf", "line": 5, "end_line": 8}
               for a in where if ".module.topic." not in a)


def test_a_remote_module_source_is_not_followed(repo, capsys, monkeypatch):
    plan = repo / "infra" / "plan.json"
    doc = json.loads(plan.read_text(encoding="utf-8"))
    doc["configuration"]["root_module"]["module_calls"]["x"]["source"] = "git::https://example.com/queue.git"
    plan.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.chdir(repo / "infra")
    out = _json(capsys, "plan.json")
    where = _locations(out)
    assert len(where) == 12
    assert all(where[a]["file"] == "plan.json" for a in where if a.startswith("module.x["))
    assert all(where[a]["line"] for a in where if not a.startswith("module.x["))
    reasons = [r["reason"] for r in out["summary"]["scan"]["source_positions"]["not_located_why"]]
    assert "module.x has a source that is not a local path ('git::https://example.com/queue.git')" in reasons


def test_a_plan_file_given_by_absolute_path_is_shown_relative(repo, capsys, monkeypatch):
    (repo / "elsewhere").mkdir()
    shutil.copy(TWINS / f"{CASE}.plan.json", repo / "elsewhere" / "plan.json")
    monkeypatch.chdir(repo)
    doc = _json(capsys, str(repo / "elsewhere" / "plan.json"))
    assert {loc["file"] for loc in _locations(doc).values()} == {os.path.join("elsewhere", "plan.json")}
    assert doc["summary"]["scan"]["source_positions"]["config_dir"] is None


def test_changed_only_keeps_the_locations(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "infra")
    where = _locations(_json(capsys, "plan.json", "--changed-only"))
    assert where and all(loc["line"] for loc in where.values())
