"""The hook, run by the real pre-commit framework (``pre-commit try-repo``).

pre-commit installs tagcheck into an environment of its own with pip; the tests point
pip at ``.wheelhouse/`` (filled by ``make test``) so nothing is fetched while they run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
WHEELHOUSE = REPO / ".wheelhouse"

pytestmark = pytest.mark.skipif(not (WHEELHOUSE / ".done").exists(),
                                reason="no .wheelhouse: run `make test`, which builds it")

POLICY = "version: 1\ntags:\n  required: [team, cost-center]\n"
LOCALS = 'locals {\n  tags = { team = "ml", "cost-center" = "cc-1234" }\n}\n'
MAIN_OK = 'resource "aws_s3_bucket" "data" {\n  bucket = "data"\n  tags   = local.tags\n}\n'
MAIN_BAD = 'resource "aws_s3_bucket" "data" {\n  bucket = "data"\n  tags   = { team = "ml" }\n}\n'


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "infra"
    (repo / "storage").mkdir(parents=True)
    (repo / ".tagcheck.yaml").write_text(POLICY)
    (repo / "storage" / "locals.tf").write_text(LOCALS)
    (repo / "storage" / "main.tf").write_text(MAIN_OK)
    (repo / "README.md").write_text("not terraform\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    return repo


def _try_repo(repo: Path, tmp_path: Path, *files: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PIP_NO_INDEX="1",
               PIP_FIND_LINKS=str(WHEELHOUSE), PIP_DISABLE_PIP_VERSION_CHECK="1",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"
    return subprocess.run([pre_commit, "try-repo", str(REPO), "tagcheck", "--files", *files],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_hook_passes_a_module_whose_tags_come_from_another_file(user_repo, tmp_path):
    # only main.tf is passed, but its directory is evaluated whole: tags come from locals.tf
    result = _try_repo(user_repo, tmp_path, "storage/main.tf", "README.md")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_hook_fails_with_file_line_and_fix(user_repo, tmp_path):
    (user_repo / "storage" / "main.tf").write_text(MAIN_BAD)
    _git(user_repo, "add", ".")
    result = _try_repo(user_repo, tmp_path, "storage/main.tf")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Failed" in result.stdout
    assert "storage/main.tf:1: error TAG001 aws_s3_bucket.data: missing required tag: cost-center" in result.stdout
    assert "fix:" in result.stdout


def test_a_changed_child_module_is_checked_through_the_roots_that_call_it(tmp_path):
    """Direct call (no framework): what the hook runs for a change inside modules/bucket."""
    import contextlib
    import io
    import json as _json

    from tagcheck.cli import main

    repo = tmp_path / "infra"
    (repo / "modules" / "bucket").mkdir(parents=True)
    (repo / "live").mkdir()
    (repo / ".git").mkdir()  # the repository boundary callers are searched in
    (repo / ".tagcheck.yaml").write_text(POLICY)
    (repo / "modules" / "bucket" / "main.tf").write_text(
        'variable "tags" {\n  default = {}\n}\nresource "aws_s3_bucket" "this" {\n  tags = var.tags\n}\n')
    (repo / "live" / "main.tf").write_text(
        'provider "aws" {}\nmodule "ok" {\n  source = "../modules/bucket"\n  tags = { team = "a", "cost-center" = "cc-1" }\n}\n'
        'module "bad" {\n  source = "../modules/bucket"\n  tags = { team = "a" }\n}\n'
        'resource "aws_sqs_queue" "unrelated" {}\n')
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["scan", str(repo / "modules" / "bucket" / "main.tf"), "-f", "json"])
    doc = _json.loads(out.getvalue())
    assert status == 1
    # evaluated with the callers' tags (not "supplied by the caller"), unrelated resources left out
    assert {(f["rule"], f["resource"]["address"]) for f in doc["findings"]} == {("TAG001", "module.bad.aws_s3_bucket.this")}
    assert doc["summary"]["resources"] == 2
