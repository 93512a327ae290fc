"""The terminal: colour only where the user wants it, a compact mode, a table by rule, words
that agree with their numbers."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tagcheck.cli import main
from tagcheck.cli.output import use_color
from tagcheck.cli.progress import wanted as progress_wanted

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "terraform"
ESC = "\x1b["


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("mode, target, environ, tty, expected", [
    ("auto", "-", {}, True, True),
    ("auto", "-", {}, False, False),  # a pipe, a CI log
    ("auto", "-", {"NO_COLOR": "1"}, True, False),
    ("auto", "-", {"NO_COLOR": ""}, True, True),  # no-color.org: set and not empty
    ("auto", "-", {"TERM": "dumb"}, True, False),
    ("auto", "out.txt", {}, True, False),  # a file
    ("always", "-", {"NO_COLOR": "1"}, False, True),
    ("always", "out.txt", {}, False, True),
    ("never", "-", {}, True, False),
])
def test_colour_is_decided_by_tty_no_color_term_and_the_option(mode, target, environ, tty, expected):
    stream = _Tty() if tty else io.StringIO()
    assert use_color(mode, target, environ, stream) is expected


def test_color_always_paints_and_the_address_is_bold_not_dim(capsys):
    assert main(["scan", str(EXAMPLE), "--fail-on", "never", "--color", "always", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert f"{ESC}31merror{ESC}0m" in out
    assert re.search(r"\x1b\[1m(module\.\S+\.)?aws_\w+\.", out)  # the resource address: bold
    assert not re.search(r"\x1b\[2m(module\.\S+\.)?aws_", out)  # never dimmed


def test_no_color_environment_wins_over_a_terminal(monkeypatch, capsys):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True, raising=False)
    assert main(["scan", str(EXAMPLE), "--fail-on", "never", "--no-cache"]) == 0
    assert ESC not in capsys.readouterr().out


def test_compact_is_one_line_per_finding(capsys):
    assert main(["scan", str(EXAMPLE), "--fail-on", "never", "--no-cache", "--compact"]) == 0
    compact = capsys.readouterr().out
    assert main(["scan", str(EXAMPLE), "--fail-on", "never", "--no-cache"]) == 0
    full = capsys.readouterr().out
    assert "fix:" in full and "fix:" not in compact
    finding_lines = [line for line in compact.splitlines() if line.startswith("  ") and ": " in line]
    assert len(finding_lines) == int(compact.strip().splitlines()[-2].split()[0])  # "16 findings (…)"


def test_a_table_of_findings_by_rule_agrees_with_the_findings(capsys):
    assert main(["scan", str(EXAMPLE), "--fail-on", "never", "--no-cache", "-f", "json", "-o", "/dev/null"]) == 0
    assert main(["scan", str(EXAMPLE), "--fail-on", "never", "--no-cache"]) == 0
    out = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("rule "))
    rows = []
    for line in out[start + 1:]:
        if not line.strip():
            break
        rows.append(line.split())
    total = int(out[-2].split()[0])
    assert sum(int(r[2]) for r in rows) == total
    dollars = [float(r[3].strip("$").replace(",", "")) if r[3] != "-" else 0.0 for r in rows]
    assert dollars == sorted(dollars, reverse=True)  # the costliest rule first


def test_counts_and_words_agree(tmp_path, capsys):
    (tmp_path / "main.tf").write_text('resource "aws_sqs_queue" "q" {\n  tags = { team = "x" }\n}\n')
    main(["scan", str(tmp_path), "--fail-on", "never", "--no-cache"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert " in 1 resource" in last and "1 resources" not in last


@pytest.mark.parametrize("enabled, environ, tty, expected", [
    (True, {}, True, True),
    (True, {}, False, False),  # a pipe, a CI log, pre-commit
    (True, {"TERM": "dumb"}, True, False),
    (False, {}, True, False),  # --no-progress
    (True, {"NO_COLOR": "1"}, True, True),  # colour and progress are separate choices
])
def test_the_progress_line_is_for_a_terminal_only(enabled, environ, tty, expected):
    assert progress_wanted(enabled, _Tty() if tty else io.StringIO(), environ) is expected
