"""Wrong input never passes as success, and the command line's small contracts."""

from __future__ import annotations

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
