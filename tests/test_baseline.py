"""--write-baseline / --baseline: fingerprints without lines; new findings only; fixed ones listed."""

from __future__ import annotations

import json
from pathlib import Path

from tagcheck.cli import main

POLICY = "version: 1\ntags:\n  required: [team]\n"
TF = 'resource "aws_sqs_queue" "a" {\n}\n\nresource "aws_sqs_queue" "b" {\n}\n'


def _scan(capsys, root: Path, *extra: str) -> tuple[int, dict]:
    status = main(["scan", str(root), "-f", "json", *extra])
    return status, json.loads(capsys.readouterr().out)


def test_baseline_hides_old_findings_survives_line_moves_and_lists_fixed(tmp_path, capsys):
    (tmp_path / ".tagcheck.yaml").write_text(POLICY)
    (tmp_path / "main.tf").write_text(TF)
    baseline = tmp_path / "baseline.json"
    status, doc = _scan(capsys, tmp_path, "--write-baseline", str(baseline))
    assert status == 0 and len(doc["findings"]) == 2  # recorded as accepted: not a failure
    recorded = json.loads(baseline.read_text())
    assert [e["fingerprint"] for e in recorded["findings"]] == ["TAG001|aws_sqs_queue.a|", "TAG001|aws_sqs_queue.b|"]

    # move everything down, fix b, add c: only c is new, b is listed as no longer occurring
    (tmp_path / "main.tf").write_text("\n\n\n" + TF.replace('"b" {\n', '"b" {\n  tags = { team = "x" }\n')
                                      + '\nresource "aws_sqs_queue" "c" {\n}\n')
    status, doc = _scan(capsys, tmp_path, "--baseline", str(baseline))
    assert status == 1
    assert [f["resource"]["address"] for f in doc["findings"]] == ["aws_sqs_queue.c"]
    assert doc["summary"]["baseline"] == {"matched": 1, "new": 1, "fixed": ["TAG001|aws_sqs_queue.b|"]}


def test_a_broken_baseline_is_exit_2(tmp_path, capsys):
    (tmp_path / "main.tf").write_text(TF)
    bad = tmp_path / "b.json"
    bad.write_text("{not json")
    assert main(["scan", str(tmp_path), "--baseline", str(bad)]) == 2
    assert "b.json:1" in capsys.readouterr().err
    bad.write_text('{"findings": []}')
    assert main(["scan", str(tmp_path), "--baseline", str(bad)]) == 2
