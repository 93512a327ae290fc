"""Tag values are attacker-controlled (DESIGN.md §6): every showback format escapes them.

The project is tests/report/fixture (a value with `<script>`, `|`, backticks, a newline,
`::`, ANSI and an RTL override) plus values a spreadsheet would run as formulas. Its
policy allows any value, so the hostile strings become buckets, chart labels and cells.
"""

from __future__ import annotations

import json

import pytest

from showback_helpers import HOSTILE_FIXTURE, csv_rows, parse_html, report

HOSTILE = "<script>alert(1)</script>|`x`\n::error::%0A\x1b[31m\u202e"
FORMULAS = {"f1": "=HYPERLINK(\"http://x\",\"y\")", "f2": "+1+1", "f3": "-2+3", "f4": "@SUM(1)", "f5": "  =1+1",
            "f6": "\t=1"}

FORMULA_TF = "\n".join(
    f'resource "aws_sqs_queue" "{name}" {{\n  tags = {{ "cost-center" = {json.dumps(value)}, environment = "dev" }}\n}}\n'
    for name, value in FORMULAS.items())


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "main.tf").write_text((HOSTILE_FIXTURE / "main.tf").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "formulas.tf").write_text(FORMULA_TF, encoding="utf-8")
    (root / ".tagcheck.yaml").write_text("version: 1\ntags:\n  required: [team, environment, cost-center]\n")
    return root


def _out(capsys, project, fmt):
    status, out, _ = report(capsys, str(project), "--format", fmt, "--output", "-")
    assert status == 0
    return out


def test_the_hostile_value_is_a_bucket(project, capsys):
    doc = json.loads(_out(capsys, project, "json"))
    assert HOSTILE in {v["value"] for v in doc["by_key"]["environment"]["values"]}  # JSON keeps the data intact


def test_html_escapes(project, capsys):
    page = _out(capsys, project, "html")
    assert "<script>alert" not in page
    assert page.count("<script") == 1  # the page's own
    assert "\x1b" not in page and "\u202e" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    dom = parse_html(page)
    bars = dom.by_id("chart-environment").find_all("g", cls="bar")
    # the attribute parses back to the value (controls shown as visible escapes)
    assert "<script>alert(1)</script>|`x`\n::error::%0A\\x1b[31m\\u202e" in {b.attrs.get("data-value") for b in bars}
    labels = [t.text for b in bars for t in b.find_all("text", cls="label")]
    assert any(label.startswith("<script>alert(1)</scrip") and "\n" not in label for label in labels)
    # a value cannot end an attribute and add one
    assert all(not k.startswith("on") for n in dom.iter() for k in n.attrs)


def test_markdown_escapes(project, capsys):
    text = _out(capsys, project, "markdown")
    assert "<script" not in text and "\x1b" not in text and "\u202e" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\|&#96;x&#96;<br>::error::" in text
    assert "&#64;SUM(1)" in text  # no @-mention from a PR comment
    # every table row has as many unescaped pipes as its header
    table = text.split("### Cost by environment")[1].split("###")[0]
    rows = [line for line in table.splitlines() if line.startswith("|")]
    widths = {line.replace("\\|", "").count("|") for line in rows}
    assert widths == {7}


def test_csv_escapes_and_neutralises_formulas(project, capsys):
    text = _out(capsys, project, "csv")
    assert "\x1b" not in text and "\u202e" not in text
    rows = {r["address"]: r for r in csv_rows(text)}
    assert rows["aws_sqs_queue.hostile"]["tag:environment"] == "<script>alert(1)</script>|`x`\n::error::%0A\\x1b[31m\\u202e"
    for name, value in FORMULAS.items():
        cell = rows[f"aws_sqs_queue.{name}"]["tag:cost-center"]
        assert cell == "'" + value, name
    for row in rows.values():
        for cell in row.values():
            assert not cell.lstrip(" \t\r\n").startswith(("=", "+", "-", "@")), cell


def test_default_policy_keeps_a_disallowed_value_out_of_the_buckets(project, capsys):
    """With finops-baseline the hostile environment is not allowed: unallocated, and still escaped."""
    (project / ".tagcheck.yaml").unlink()
    status, page, _ = report(capsys, str(project), "--output", "-")
    assert status == 0 and "<script>alert" not in page and page.count("<script") == 1
    status, out, _ = report(capsys, str(project), "--format", "csv")
    row = {r["address"]: r for r in csv_rows(out)}["aws_sqs_queue.hostile"]
    assert row["allocation"] == "unallocated" and row["tag:environment"].startswith("<script>")
