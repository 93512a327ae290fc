"""Golden files per reporter. Refresh with: pytest tests/report --update-golden"""

from __future__ import annotations

from pathlib import Path

import pytest

from tagcheck import engine
from tagcheck.policy import load_policy
from tagcheck.report import formats, render as render_kind
from tagcheck.sources.terraform.source import scan

FORMATS = formats("findings")


def render(fmt: str, result, **options) -> str:
    return render_kind("findings", fmt, result, **options)


HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture"


@pytest.fixture(scope="module")
def result():
    scanned = scan([FIXTURE], cwd=FIXTURE)
    return engine.run(scanned.resources, scanned.problems, load_policy(start=FIXTURE))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_reporter_matches_golden(fmt, result, request):
    text = render(fmt, result)
    golden = HERE / "golden" / f"fixture.{fmt}"
    if request.config.getoption("--update-golden"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_text_colour_only_when_asked(result):
    assert "\x1b[" not in render("text", result)
    assert "\x1b[31merror\x1b[0m" in render("text", result, color=True)
