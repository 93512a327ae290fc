"""`tagcheck report`: sources, outputs, --min-allocation and exit statuses (DESIGN.md §3)."""

from __future__ import annotations

import importlib.util

import pytest

from showback_helpers import EXAMPLE, ROOT, load_json, report

PLAN = ROOT / "tests" / "data" / "ci-plan.json"


def test_min_allocation_below_the_coverage_passes(capsys):
    status, out, err = report(capsys, str(EXAMPLE), "--format", "json", "--min-allocation", "20")
    doc = load_json(out)
    assert doc["allocation"]["coverage_pct_usd"] == 20.4
    assert status == 0
    assert doc["allocation"]["min_allocation"] == {"pct": 20.0, "met": True}
    assert "allocation coverage 20.4% of estimated dollars (meets --min-allocation 20%)" in err


def test_min_allocation_above_the_coverage_fails(capsys):
    status, out, err = report(capsys, str(EXAMPLE), "--format", "json", "--min-allocation", "20.5")
    assert status == 1
    assert load_json(out)["allocation"]["min_allocation"] == {"pct": 20.5, "met": False}
    assert "allocation coverage 20.4% of estimated dollars (below --min-allocation 20.5%)" in err


def test_min_allocation_equal_to_the_coverage_passes(capsys):
    status, _, _ = report(capsys, str(EXAMPLE), "--format", "csv", "--min-allocation", "20.4")
    assert status == 0


def test_min_allocation_shown_in_html_and_markdown(tmp_path, capsys):
    page = tmp_path / "r.html"
    status, _, _ = report(capsys, str(EXAMPLE), "--output", str(page), "--min-allocation", "50")
    assert status == 1
    assert 'id="min-allocation" class="below"' in page.read_text(encoding="utf-8")
    status, out, _ = report(capsys, str(EXAMPLE), "--format", "markdown", "--min-allocation", "50")
    assert status == 1 and "**Minimum allocation:** 50.0%: **below**" in out


def test_summary_names_the_figure_without_a_threshold(capsys):
    status, out, err = report(capsys, str(EXAMPLE), "--format", "markdown")
    assert status == 0
    assert "allocation coverage 20.4% of estimated dollars" in err
    assert "$3,100.61/mo unallocated" in err
    assert out.startswith("## tagcheck showback")


def test_fail_on_makes_findings_count(capsys):
    status, _, _ = report(capsys, str(EXAMPLE), "--format", "json", "--fail-on", "error")
    assert status == 1


def test_html_goes_to_tagcheck_report_html_by_default(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status, out, err = report(capsys, str(EXAMPLE))
    assert status == 0 and out == ""
    page = tmp_path / "tagcheck-report.html"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "wrote tagcheck-report.html" in err


def test_html_to_stdout_with_dash(capsys):
    status, out, _ = report(capsys, str(EXAMPLE), "--output", "-")
    assert status == 0 and out.startswith("<!DOCTYPE html>")


def test_html_is_self_contained(capsys):
    _, page, _ = report(capsys, str(EXAMPLE), "--output", "-")
    lowered = page.lower()
    for needle in ("http://", "https://", "//cdn", "url(", "@import", " src=", " href=", "<link", "<img", "<iframe"):
        assert needle not in lowered, needle
    assert lowered.count("<script") == 1 and lowered.count("<style") == 1
    assert "content-security-policy" in lowered and "default-src 'none'" in lowered


def test_terraform_variables_are_taken(tmp_path, capsys):
    (tmp_path / "main.tf").write_text(
        'variable "team" {}\n'
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        'resource "aws_nat_gateway" "n" {\n  subnet_id = "s"\n  tags = { team = var.team }\n}\n')
    (tmp_path / ".tagcheck.yaml").write_text("version: 1\ntags:\n  required: [team]\n")
    (tmp_path / "x.tfvars").write_text('team = "from-file"\n')
    _, out, _ = report(capsys, str(tmp_path), "--format", "json", "--var", "team=from-flag")
    assert [v["value"] for v in load_json(out)["by_key"]["team"]["values"]] == ["from-flag"]
    _, out, _ = report(capsys, str(tmp_path), "--format", "json", "--var-file", str(tmp_path / "x.tfvars"))
    assert [v["value"] for v in load_json(out)["by_key"]["team"]["values"]] == ["from-file"]


def test_plan_source(capsys):
    status, out, _ = report(capsys, "--plan", str(PLAN), "--format", "json")
    assert status == 0
    doc = load_json(out)
    assert doc["source"]["source"] == "plan"
    assert {r["origin"] for r in doc["resources"]} == {"plan"}
    assert doc["by_key"]["team"]["values"][0]["value"] == "a"


@pytest.mark.parametrize("argv, message", [
    ([str(EXAMPLE), "--plan", str(PLAN)], "report takes one source: PATHS and --plan given"),
    (["--plan", str(PLAN), "--var", "a=b"], "--var-file and --var apply to Terraform PATHS only"),
    (["--plan", str(ROOT / "no-such-plan.json")], "no-such-plan.json"),
    ([str(EXAMPLE), "--var", "novalue"], "expected NAME=VALUE"),
    ([str(EXAMPLE), "--var-file", "missing.tfvars"], "variables file not found"),
    ([str(EXAMPLE), "--policy", str(ROOT / "missing-policy.yaml")], "missing-policy.yaml"),
])
def test_bad_input_exits_2(argv, message, capsys):
    status, _, err = report(capsys, *argv)
    assert status == 2
    assert message in err
    assert err.startswith("tagcheck: error:") or "Error" in err


def test_unwritable_output_exits_2(tmp_path, capsys):
    status, _, err = report(capsys, str(EXAMPLE), "--output", str(tmp_path / "no" / "dir" / "r.html"))
    assert status == 2 and "cannot write" in err


def _live_available() -> bool:
    return importlib.util.find_spec("boto3") is not None


def test_aws_without_the_live_audit_is_bad_input(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "tagcheck.cli.aws", None)  # as if not installed: import fails
    status, _, err = report(capsys, "--aws", "--format", "json")
    assert status == 2
    assert "live audit not available" in err


@pytest.mark.skipif(not _live_available() or importlib.util.find_spec("moto") is None
                    or importlib.util.find_spec("tagcheck.sources.aws.demo") is None,
                    reason="needs the live audit and moto (pip install -e '.[test]')")
def test_aws_demo_report(capsys):
    """The live source: the moto demo account, collected as `tagcheck aws --demo` does."""
    status, out, err = report(capsys, "--aws", "--demo", "--format", "json")
    assert status == 0, err
    doc = load_json(out)
    assert doc["source"]["source"] == "aws" and doc["source"]["demo"] is True
    assert {r["origin"] for r in doc["resources"]} == {"aws"}
    assert doc["totals"]["monthly_usd"] > 0 and doc["by_key"]["team"]["values"]
    assert doc["allocation"]["unallocated_monthly_usd"] > 0
    assert all("arn" in f["location"] for f in doc["top_findings"])


def test_live_options_need_aws(capsys):
    if not _live_available():
        pytest.skip("the live audit is not installed")
    status, _, err = report(capsys, str(EXAMPLE), "--demo")
    assert status == 2 and "--demo applies to the live source only: add --aws" in err


def test_report_is_listed_and_does_not_import_boto3():
    import subprocess
    import sys

    code = ("import contextlib, io, sys\nfrom tagcheck.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            f"    main(['report', {str(EXAMPLE)!r}, '--format', 'json'])\n"
            "print('boto3' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
