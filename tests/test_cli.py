"""The command line contract: exit statuses, formats, outputs (DESIGN.md §3)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tagcheck.cli import main

POLICY = """\
version: 1
tags:
  required: [team, cost-center]
  allowed:
    cost-center: {pattern: '^cc-[0-9]{4}$'}
"""

MAIN_TF = """\
provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { team = "ml" }
  }
}

resource "aws_s3_bucket" "assets" {
  bucket = "assets"
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
  tags   = { "cost-center" = "cc-1234" }
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".tagcheck.yaml").write_text(POLICY)
    (tmp_path / "main.tf").write_text(MAIN_TF)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_scan_reports_missing_tag_and_exits_1(project, capsys):
    status, out, _ = run(capsys, "scan", str(project))
    assert status == 1
    assert "main.tf:8: error TAG001 aws_s3_bucket.assets: missing required tag: cost-center" in out
    assert "aws_s3_bucket.data" not in out
    assert out.rstrip().splitlines()[-1].startswith("1 finding (1 error, 0 warnings, 0 info) in 2 resources")


def test_fail_on_never_and_clean_code_exit_0(project, capsys):
    assert run(capsys, "scan", str(project), "--fail-on", "never")[0] == 0
    (project / "main.tf").write_text(MAIN_TF.replace('bucket = "assets"', 'bucket = "assets"\n  tags = { "cost-center" = "cc-0001" }'))
    status, out, _ = run(capsys, "scan", str(project))
    assert status == 0 and out.startswith("0 findings")


def test_fail_on_threshold_counts_lower_severities_only_when_asked(project, capsys):
    (project / "main.tf").write_text(MAIN_TF.replace('bucket = "assets"', 'bucket = "assets"\n  tags = { "cost-center" = data.x.y.cc }'))
    assert run(capsys, "scan", str(project))[0] == 0  # only a TAG005 info
    assert run(capsys, "scan", str(project), "--fail-on", "info")[0] == 1


def test_json_output_is_the_documented_object(project, capsys):
    status, out, _ = run(capsys, "scan", str(project), "--format", "json")
    doc = json.loads(out)
    assert status == 1
    assert set(doc) == {"version", "tool", "findings", "summary"}
    assert doc["version"] == 1 and doc["tool"]["name"] == "tagcheck"
    (finding,) = doc["findings"]
    assert finding["rule"] == "TAG001" and finding["severity"] == "error" and finding["lever"] == "tagging"
    assert finding["resource"] == {"address": "aws_s3_bucket.assets", "type": "aws_s3_bucket", "origin": "hcl",
                                   "region": "eu-west-1", "account": None}
    assert finding["location"]["line"] == 8 and finding["location"]["end_line"] == 10
    assert finding["location"]["file"].endswith("main.tf")
    assert finding["details"]["missing"] == ["cost-center"]
    assert '"cost-center"' in finding["fix"]
    assert doc["summary"]["resources"] == 2
    assert doc["summary"]["findings_by_severity"] == {"error": 1, "warning": 0, "info": 0}
    assert doc["summary"]["allocation"]["fully_tagged"] == 1


def test_several_formats_to_files(project, capsys, tmp_path):
    out_json, out_text = tmp_path / "r.json", tmp_path / "r.txt"
    status, out, _ = run(capsys, "scan", str(project), "-f", "json", "-o", str(out_json), "-f", "text", "-o", str(out_text))
    assert status == 1 and out == ""
    assert json.loads(out_json.read_text())["findings"][0]["rule"] == "TAG001"
    assert "TAG001" in out_text.read_text()


def test_bad_policy_is_exit_2_with_file_and_line(project, capsys):
    (project / ".tagcheck.yaml").write_text("version: 1\ntags:\n  requried: [team]\n")
    status, _, err = run(capsys, "scan", str(project))
    assert status == 2
    assert ".tagcheck.yaml:3" in err and "requried" in err


def test_missing_path_and_bad_usage_are_exit_2(capsys, tmp_path):
    status, _, err = run(capsys, "scan", str(tmp_path / "nope"))
    assert status == 2 and "nope" in err
    assert run(capsys, "scan", "--format", "yaml")[0] == 2
    assert run(capsys, "scan", str(tmp_path), "--var", "novalue")[0] == 2


def test_broken_file_is_reported_and_the_rest_still_checked(project, capsys):
    (project / "broken.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = "a"\n')
    status, out, _ = run(capsys, "scan", str(project))
    assert status == 1
    assert "broken.tf:3:1: error TC001" in out
    assert "TAG001 aws_s3_bucket.assets" in out


def test_var_overrides_reach_the_tags(tmp_path, capsys):
    (tmp_path / ".tagcheck.yaml").write_text(POLICY)
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        provider "aws" {}
        variable "cc" { default = "bad" }
        resource "aws_sqs_queue" "q" {
          tags = { team = "a", "cost-center" = var.cc }
        }
    """))
    assert run(capsys, "scan", str(tmp_path))[0] == 1
    assert run(capsys, "scan", str(tmp_path), "--var", "cc=cc-1234")[0] == 0
    varfile = tmp_path / "ok.tfvars"
    varfile.write_text('cc = "cc-4321"\n')
    assert run(capsys, "scan", str(tmp_path), "--var-file", str(varfile))[0] == 0


def test_internal_error_is_exit_3(project, capsys, monkeypatch):
    from tagcheck import engine

    def boom(*_a, **_k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(engine, "run", boom)
    status, _, err = run(capsys, "scan", str(project))
    assert status == 3 and "internal error" in err and "kaboom" in err


def test_rules_explain_and_init(capsys, tmp_path):
    status, out, _ = run(capsys, "rules")
    assert status == 0 and all(f"TAG00{i}" in out for i in range(1, 7)) and "TC001" in out
    status, out, _ = run(capsys, "explain", "tag003")
    assert status == 0 and out.startswith("TAG003 tag-key-near-miss") and "cost_center" in out
    assert run(capsys, "explain", "NOPE999")[0] == 2
    target = tmp_path / ".tagcheck.yaml"
    assert run(capsys, "init", "--path", str(target))[0] == 0
    assert target.read_text().startswith("#") or "version: 1" in target.read_text()
    assert run(capsys, "init", "--path", str(target))[0] == 2  # no silent overwrite
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    status, out, _ = run(capsys, "scan", str(tmp_path), "--policy", str(target), "--fail-on", "never")
    assert status == 0 and "TAG001" in out


def test_terminal_escapes_in_tag_values_are_neutralised(tmp_path, capsys):
    (tmp_path / ".tagcheck.yaml").write_text(POLICY)
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "q" {\n  tags = { team = "x", "cost-center" = "\\u001b[2J\\u202eevil" }\n}\n')
    status, out, _ = run(capsys, "scan", str(tmp_path))
    assert status == 1 and "TAG002" in out
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J\\u202eevil" in out


def test_output_pairs_with_the_format_just_before_it(project, capsys, tmp_path):
    report = tmp_path / "r.json"
    status, out, _ = run(capsys, "scan", str(project), "-f", "text", "--format=json", f"--output={report}")
    assert status == 1 and "TAG001" in out and not out.lstrip().startswith("{")
    assert json.loads(report.read_text())["version"] == 1
    assert run(capsys, "scan", str(project), "-f", "text", "-f", "json")[0] == 2  # two formats to stdout
