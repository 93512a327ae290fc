"""docs/rules/: one page per rule and an index, generated from the rules; they cannot go stale."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from tagcheck.report import render, rule_docs
from tagcheck.model import RunResult, Summary
from tagcheck.rules import ALL_RULES, RULES_BY_ID

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "rules"
TOOL = REPO / "tools" / "gen_rule_docs.py"


def _tool():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_pages_are_what_the_generator_writes():
    expected = _tool().pages()
    assert set(expected) == {f"{rule.id}.md" for rule in ALL_RULES} | {"README.md"}
    stale = [name for name, text in expected.items()
             if not (DOCS / name).is_file() or (DOCS / name).read_text(encoding="utf-8") != text]
    assert not stale, f"docs/rules is out of date for {stale}: run `python {TOOL.relative_to(REPO)}`"
    assert not _tool().stale(DOCS), "pages of rules that no longer exist: run the generator"


def test_the_generator_writes_and_prunes(tmp_path):
    (tmp_path / "XYZ999.md").write_text("a rule that is gone\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a rule page\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(TOOL), "--output", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {f"{rule.id}.md" for rule in ALL_RULES} | {"README.md", "notes.md"}
    assert (tmp_path / "TAG001.md").read_text(encoding="utf-8") == (DOCS / "TAG001.md").read_text(encoding="utf-8")


def test_a_page_holds_the_rule_text_and_its_settings():
    rule = RULES_BY_ID["COST210"]
    page = rule_docs.page(rule)
    assert page.startswith("# COST210 rightsize-on-cpu-history\n\n" + rule.summary)
    assert "| warning | rightsizing |" in page
    assert rule.docs.strip().split("\n")[0] in page  # the text `tagcheck explain` prints
    assert "- `threshold_pct`: number (> 0, ≤ 100)" in page and "`aws_db_instance`, `aws_instance`" in page
    assert "# tagcheck:ignore=COST210" in page and "[All rules](README.md)" in page
    assert "## Suppressing" not in rule_docs.page(RULES_BY_ID["TC001"])  # about the run, not a resource


def test_examples_are_code_blocks_even_without_a_blank_line_before_them():
    assert rule_docs._markdown_block("Like this:\n    x = 1\nafter") == "Like this:\n\n    x = 1\nafter"


def test_the_index_has_a_heading_per_rule_for_docs_url_anchors():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert f"\n### {rule.id}\n" in index  # renders with the anchor #tag001 that helpUri uses
        assert f"]({rule.id}.md)" in index


def test_sarif_help_is_the_page_without_its_relative_link():
    result = RunResult(findings=(), resources=(), suppressed=(), summary=Summary())
    rules = json.loads(render("findings", "sarif", result))["runs"][0]["tool"]["driver"]["rules"]
    for descriptor in rules:
        page = (DOCS / f"{descriptor['id']}.md").read_text(encoding="utf-8")
        help_text = descriptor["help"]["markdown"]
        assert descriptor["help"]["text"] == help_text
        assert page.startswith(help_text.rstrip("\n")) and "README.md" not in help_text
