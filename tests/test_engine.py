"""Engine: rule crashes, severity overrides, disabling, suppressions, ignore expiry, exit status."""

from __future__ import annotations

import datetime
from pathlib import Path

from tagcheck import engine
from tagcheck.model import Lever, Severity
from tagcheck.policy import load_policy
from tagcheck.rules import ALL_RULES, Rule
from tagcheck.sources.terraform.source import scan

TF = """\
resource "aws_s3_bucket" "a" {
  bucket = "a"
}

# tagcheck:ignore=TAG001 being migrated
resource "aws_s3_bucket" "legacy" {
  bucket = "legacy"
}

resource "aws_s3_bucket" "ok" {
  # tagcheck:ignore=TAG002 nothing to suppress here
  tags = { team = "x" }
}
"""


def _run(tmp_path: Path, policy_text: str, *, today=datetime.date(2026, 6, 1), rules=ALL_RULES):
    (tmp_path / "main.tf").write_text(TF)
    (tmp_path / ".tagcheck.yaml").write_text("version: 1\ntags:\n  required: [team]\n" + policy_text)
    scanned = scan([tmp_path], cwd=tmp_path)
    return engine.run(scanned.resources, scanned.problems, load_policy(start=tmp_path), today=today, rules=rules)


def _ids(result):
    return sorted((f.rule, f.resource.address if f.resource else f.location.file, f.location.line) for f in result.findings)


def test_inline_suppressions_and_unused_ones(tmp_path):
    result = _run(tmp_path, "")
    assert _ids(result) == [("TAG001", "aws_s3_bucket.a", 1), ("TC002", "aws_s3_bucket.ok", 10)]
    assert [f.resource.address for f in result.suppressed] == ["aws_s3_bucket.legacy"]
    assert result.summary.suppressed == 1


def test_policy_ignore_entry_and_its_expiry(tmp_path):
    entry = "ignore:\n  - {rule: TAG001, resource: 'aws_s3_bucket.*', reason: later, expires: 2026-12-31}\n"
    live = _run(tmp_path, entry, today=datetime.date(2026, 12, 31))
    assert [f for f in live.findings if f.rule == "TAG001"] == []
    expired = _run(tmp_path, entry, today=datetime.date(2027, 1, 1))
    assert ("TAG001", "aws_s3_bucket.a", 1) in _ids(expired)
    (note,) = [f for f in expired.findings if f.rule == "TC002" and f.resource is None]
    assert "expired on 2026-12-31" in note.message and note.location.line == 5


def test_severity_override_and_disabled_rule(tmp_path):
    result = _run(tmp_path, "rules:\n  TAG001: {severity: warning}\n  TC002: {enabled: false}\n")
    assert [(f.rule, f.severity) for f in result.findings] == [("TAG001", Severity.WARNING)]
    assert engine.exit_status(result, "error") == 0
    assert engine.exit_status(result, "warning") == 1
    assert engine.exit_status(result, "never") == 0


def test_a_crashing_rule_becomes_tc000_and_the_run_goes_on(tmp_path):
    def explode(resource, ctx):
        if resource.address == "aws_s3_bucket.a":
            raise KeyError("boom")
        return []

    crashing = Rule("TAG999", "explodes", Severity.INFO, Lever.TAGGING, "test rule", "docs", explode)
    result = _run(tmp_path, "", rules=ALL_RULES + (crashing,))
    (crash,) = [f for f in result.findings if f.rule == "TC000"]
    assert crash.resource.address == "aws_s3_bucket.a" and "TAG999" in crash.message and "KeyError" in crash.message
    assert ("TAG001", "aws_s3_bucket.a", 1) in _ids(result)  # the other rules still ran


def test_findings_sorted_by_file_line_rule(tmp_path):
    result = _run(tmp_path, "")
    keys = [(f.location.file, f.location.line, f.rule) for f in result.findings]
    assert keys == sorted(keys)
