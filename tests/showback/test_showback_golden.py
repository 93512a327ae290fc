"""Golden files of the Markdown and JSON showback of examples/terraform.

Refresh with: pytest tests/showback --update-golden (then read the diff)."""

from __future__ import annotations

from pathlib import Path

import pytest

from showback_helpers import ROOT, report

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_example_matches_golden(fmt, request, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # paths in the output are relative to the working directory
    status, text, _ = report(capsys, "examples/terraform", "--format", fmt)
    assert status == 0
    golden = GOLDEN / f"example.{fmt}"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
