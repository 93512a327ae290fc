"""--diff-base: only resources whose block, or whose module's inputs/locals/providers, changed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tagcheck.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "terraform"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "infra"
    shutil.copytree(EXAMPLE, root)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-qb", "feature")
    return root


def _findings(capsys, root: Path, *extra: str) -> dict:
    status = main(["scan", str(root), "--diff-base", "main", "-f", "json", "--fail-on", "never", *extra])
    assert status == 0
    return json.loads(capsys.readouterr().out)


def _addresses(doc: dict) -> set[str]:
    return {f["resource"]["address"] for f in doc["findings"] if f["resource"]}


def test_nothing_changed_reports_nothing(repo, capsys):
    doc = _findings(capsys, repo)
    assert doc["findings"] == [] and doc["summary"]["scan"]["skipped_unchanged"] == 34


def test_a_change_inside_one_resource_block_reports_only_that_resource(repo, capsys):
    trainer = repo / "modules" / "training" / "main.tf"
    trainer.write_text(trainer.read_text().replace('"p3.2xlarge"', '"p3.8xlarge"', 1))
    _git(repo, "commit", "-qam", "bigger trainer")
    doc = _findings(capsys, repo)
    assert _addresses(doc) == {"module.training.aws_instance.trainer"}
    assert doc["summary"]["scan"]["skipped_unchanged"] == 33


def test_a_variable_nothing_reads_changes_nothing_and_a_read_one_reaches_its_readers_in_that_module(repo, capsys):
    variables = repo / "modules" / "data" / "variables.tf"
    variables.write_text(variables.read_text() + '\nvariable "unused_note" {\n  default = "x"\n}\n')  # uncommitted
    assert _findings(capsys, repo)["findings"] == []
    variables.write_text(variables.read_text().replace("bucket names are global", "bucket names are unique"))
    addresses = _addresses(_findings(capsys, repo))  # var.account_id's block changed: what reads it
    assert "module.data.aws_s3_bucket.backup" in addresses
    assert addresses and all(a.startswith("module.data.") for a in addresses)


def test_a_comment_in_root_locals_changes_nothing_and_a_value_reaches_every_module_reading_it(repo, capsys):
    locals_tf = repo / "locals.tf"
    locals_tf.write_text(locals_tf.read_text() + "\n# owners reviewed\n")
    doc = _findings(capsys, repo)
    assert doc["findings"] == [] and doc["summary"]["scan"]["skipped_unchanged"] == 34
    locals_tf.write_text(locals_tf.read_text().replace('managed-by  = "terraform"', 'managed-by  = "terraform-cloud"'))
    doc = _findings(capsys, repo)
    assert {a.split(".")[1] for a in _addresses(doc) if a.startswith("module.")} >= {"training", "data", "network"}


def test_bad_ref_is_exit_2(repo, capsys):
    assert main(["scan", str(repo), "--diff-base", "no-such-branch"]) == 2
    assert "no-such-branch" in capsys.readouterr().err


def test_coverage_change_of_the_pull_request(repo, capsys):
    main_tf = repo / "main.tf"
    text = main_tf.read_text()
    fixed = text.replace('    feature     = "model-training"\n',
                         '    feature     = "model-training"\n    cost-center = var.cost_centers["training"]\n', 1)
    assert fixed != text
    main_tf.write_text(fixed)  # the fix the example's README proposes: the GPU trainer gets its cost-center
    doc = _findings(capsys, repo)
    scan = doc["summary"]["scan"]
    assert scan["coverage_after_pct_usd"] > scan["coverage_before_pct_usd"]
    assert scan["coverage_change_pts"] == round(scan["coverage_after_pct_usd"] - scan["coverage_before_pct_usd"], 1)
    assert "module.training.aws_instance.trainer" in _addresses(doc)  # its module call changed


def test_min_allocation_both_sides(repo, capsys):
    assert main(["scan", str(repo), "--fail-on", "never", "--min-allocation", "10"]) == 0
    assert "meets --min-allocation" in capsys.readouterr().err
    assert main(["scan", str(repo), "--fail-on", "never", "--min-allocation", "90"]) == 1
    assert "below --min-allocation" in capsys.readouterr().err


def test_zero_instance_blocks_are_listed_only_for_the_changed_files(repo, capsys):
    (repo / "modules" / "training" / "gated.tf").write_text(
        'resource "aws_sqs_queue" "gated" {\n  count = terraform.workspace == "dev" ? 1 : 0\n}\n')
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "base has a gated queue")
    _git(repo, "branch", "-f", "main")
    (repo / "modules" / "data" / "gated.tf").write_text(
        'resource "aws_sqs_queue" "new_gated" {\n  count = 0\n}\n')
    _git(repo, "add", ".")  # staged: an untracked file counts only with --include-untracked
    doc = _findings(capsys, repo)
    blocks = doc["summary"]["scan"]["zero_instances"]["blocks"]
    assert [b["address"] for b in blocks] == ["module.data.aws_sqs_queue.new_gated"]
    full = json.loads((main(["scan", str(repo), "-f", "json", "--fail-on", "never"]), capsys.readouterr().out)[1])
    assert full["summary"]["scan"]["zero_instances"]["count"] == 2
