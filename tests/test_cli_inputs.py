"""Wrong input never passes as success, and the command line's small contracts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tagcheck.cli import main

TF = 'resource "aws_sqs_queue" "q" {\n  tags = { team = "x" }\n}\n'


def test_a_path_without_terraform_is_bad_input_unless_allowed(tmp_path, capsys):
    (tmp_path / "README.md").write_text("not terraform\n")
    assert main(["scan", str(tmp_path), "--no-cache"]) == 2
    assert "no Terraform files" in capsys.readouterr().err
    assert main(["scan", str(tmp_path), "--no-cache", "--allow-empty", "--fail-on", "never"]) == 0


def test_two_formats_into_one_file_is_bad_input(tmp_path, capsys):
    (tmp_path / "main.tf").write_text(TF)
    out = tmp_path / "report.out"
    status = main(["scan", str(tmp_path), "--no-cache", "-f", "json", "-o", str(out), "-f", "sarif", "-o", str(out)])
    assert status == 2 and "given to two formats" in capsys.readouterr().err
    assert not out.exists()


def test_ctrl_c_exits_130(tmp_path, monkeypatch, capsys):
    (tmp_path / "main.tf").write_text(TF)

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("tagcheck.app.collect_terraform", interrupted)
    assert main(["scan", str(tmp_path), "--no-cache"]) == 130
    assert "interrupted" in capsys.readouterr().err


def test_rules_listing_is_aligned(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    severity_columns = {line.index(line.split()[1], len(line.split()[0])) for line in lines}
    assert len(severity_columns) == 1, lines[:3]


def test_aws_help_shows_no_internal_docstring(capsys):
    assert main(["aws", "--help"]) == 0
    out = capsys.readouterr().out
    assert "_output_options" not in out and "``" not in out


def test_demo_without_moto_says_how_to_get_it(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "moto" else real(name, *a))
    assert main(["aws", "--demo"]) == 2
    assert "pip install 'tagcheck[demo]'" in capsys.readouterr().err


def test_max_comment_chars_reaches_the_markdown(capsys):
    example = Path(__file__).resolve().parents[1] / "examples" / "terraform"
    assert main(["scan", str(example), "--no-cache", "--fail-on", "never", "-f", "markdown"]) == 0
    full = capsys.readouterr().out
    assert main(["scan", str(example), "--no-cache", "--fail-on", "never", "-f", "markdown",
                 "--max-comment-chars", "2500"]) == 0
    short = capsys.readouterr().out
    assert len(short) <= 2500 < len(full) and "more (the JSON or SARIF report lists them all)" in short


def test_sarif_paths_are_relative_to_the_repository_root(tmp_path, monkeypatch, capsys):
    import json

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    infra = repo / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n}\n')
    monkeypatch.chdir(infra)  # a CI job with working-directory: infra

    def uris(*extra: str) -> set[str]:
        assert main(["scan", ".", "--no-cache", "--fail-on", "never", "-f", "sarif", *extra]) == 0
        results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
        return {loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r["locations"]
                if "physicalLocation" in loc}

    assert uris() == {"infra/main.tf"}
    assert uris("--sarif-root", ".") == {"main.tf"}


# --- values for variables a root does not declare -------------------------------------------

ROOT = ('terraform {\n  backend "s3" {}\n}\nvariable "team" {}\n'
        'resource "aws_sqs_queue" "q" {\n  tags = { team = var.team }\n}\n')


POLICY = "version: 1\ntags:\n  required: [team]\n  allowed:\n    team: [ml]\n"


def _scan_json(capsys, *args: str) -> tuple[int, dict | None, str]:
    """A scan under POLICY (written to the working directory): team must be "ml"."""
    import json

    Path(".tagcheck.yaml").write_text(POLICY)
    status = main(["scan", *args, "--fail-on", "never", "-f", "json"])
    captured = capsys.readouterr()
    return status, json.loads(captured.out) if status == 0 else None, captured.err


def test_a_var_no_root_declares_is_bad_input_naming_the_variable_and_the_root(tmp_path, monkeypatch, capsys):
    (tmp_path / "prod").mkdir()
    (tmp_path / "prod" / "main.tf").write_text(ROOT)
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # the second run reads the evaluated root from the cache: still refused
        status, _, err = _scan_json(capsys, "prod", "--cache-dir", str(tmp_path / "cache"), "--var", "teem=ml")
        assert status == 2
        assert err == ('tagcheck: error: --var teem=…: root module prod declares no variable "teem" '
                       "(Terraform rejects a value for an undeclared variable)\n")
    status, doc, err = _scan_json(capsys, "prod", "--cache-dir", str(tmp_path / "cache"), "--var", "team=data")
    assert status == 0 and err == ""
    assert [(f["rule"], f["details"]["found"]) for f in doc["findings"]] == [("TAG002", "data")]  # --var was used


def test_with_several_roots_a_var_is_undeclared_only_when_none_declares_it(tmp_path, monkeypatch, capsys):
    for name, text in (("a", ROOT), ("b", ROOT.replace('variable "team" {}\n', "").replace("var.team", '"x"'))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert _scan_json(capsys, ".", "--no-cache", "--var", "team=ml")[0] == 0  # b just does not use it
    status, _, err = _scan_json(capsys, ".", "--no-cache", "--var", "nope=1")
    assert status == 2
    assert err == ('tagcheck: error: --var nope=…: none of the 2 root modules scanned (a, b) declares a variable '
                   '"nope" (Terraform rejects a value for an undeclared variable)\n')


def test_a_variables_file_value_for_an_undeclared_variable_is_a_warning(tmp_path, monkeypatch, capsys):
    root = tmp_path / "prod"
    root.mkdir()
    (root / "main.tf").write_text(ROOT)
    (root / "terraform.tfvars").write_text('team = "ml"\n\nowner = "me"\n')
    (root / "extra.auto.tfvars.json").write_text('{"region": "eu-west-1"}')
    (tmp_path / "shared.tfvars").write_text('cost_centre = "cc-1"\nteam = "data"\n')
    monkeypatch.chdir(tmp_path)
    for _ in range(2):  # warm: the names come from the cache, the warnings do not go away
        status, doc, err = _scan_json(capsys, "prod", "--cache-dir", str(tmp_path / "cache"),
                                      "--var-file", "shared.tfvars")
        assert status == 0
        assert err.splitlines() == [
            'tagcheck: warning: prod/terraform.tfvars:3: value for undeclared variable "owner": root module prod '
            'declares no variable "owner"; ignored (as Terraform does, with a warning)',
            'tagcheck: warning: prod/extra.auto.tfvars.json: value for undeclared variable "region": root module '
            'prod declares no variable "region"; ignored (as Terraform does, with a warning)',
            'tagcheck: warning: shared.tfvars:1: value for undeclared variable "cost_centre": root module prod '
            'declares no variable "cost_centre"; ignored (as Terraform does, with a warning)',
        ]
        # the declared value of the --var-file (after terraform.tfvars) was still used
        assert [(f["rule"], f["details"]["found"]) for f in doc["findings"]] == [("TAG002", "data")]


# --- TC rules are about tagcheck's coverage, not a governance lever -------------------------

def test_tc_rules_have_the_coverage_lever_everywhere(tmp_path, capsys):
    import json

    from tagcheck.rules import ALL_RULES

    assert {r.lever.value for r in ALL_RULES if r.id.startswith("TC")} == {"coverage"}
    assert "coverage" not in {r.lever.value for r in ALL_RULES if not r.id.startswith("TC")}
    assert main(["rules"]) == 0
    listed = {line.split()[0]: line.split()[2] for line in capsys.readouterr().out.splitlines()}
    assert {rule: lever for rule, lever in listed.items() if rule.startswith("TC")} == dict.fromkeys(
        ("TC000", "TC001", "TC002", "TC003", "TC004"), "coverage")
    assert main(["explain", "TC001"]) == 0
    assert "lever coverage" in capsys.readouterr().out.splitlines()[0]
    (tmp_path / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n')  # unclosed: TC001
    assert main(["scan", str(tmp_path), "--no-cache", "--fail-on", "never", "-f", "json"]) == 0
    [finding] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "TC001"]
    assert finding["lever"] == "coverage"
    assert main(["scan", str(tmp_path), "--no-cache", "--fail-on", "never", "-f", "sarif"]) == 0
    run = json.loads(capsys.readouterr().out)["runs"][0]
    [rule] = [r for r in run["tool"]["driver"]["rules"] if r["id"] == "TC001"]
    assert rule["properties"]["lever"] == "coverage"
    assert {r["properties"]["lever"] for r in run["results"] if r["ruleId"] == "TC001"} <= {"coverage"}


def test_a_syntax_error_names_its_column_in_text_and_json(tmp_path, capsys):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x" +\n}\n')
    assert main(["scan", str(tmp_path), "--fail-on", "never", "--color", "never"]) == 0
    assert "main.tf:2:16: error TC001: syntax error" in capsys.readouterr().out
    assert main(["scan", str(tmp_path), "-f", "json", "--fail-on", "never"]) == 0
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert finding["location"]["line"] == 2 and finding["location"]["column"] == 16
