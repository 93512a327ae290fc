"""The CI recipes in examples/ci name only commands and flags that exist: run them."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tagcheck.cli import main

REPO = Path(__file__).resolve().parents[1]
CI = REPO / "examples" / "ci"
PLAN = REPO / "tests" / "data" / "ci-plan.json"


def _commands(node) -> list[str]:
    """Every tagcheck command line in a workflow (GitHub `run:` or GitLab `script:`)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script") and isinstance(value, (str, list)):
                for line in value if isinstance(value, list) else value.splitlines():
                    if line.strip().startswith("tagcheck "):
                        found.append(line.strip())
            else:
                found.extend(_commands(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_commands(item))
    return found


def _substitute(command: str) -> list[str]:
    command = command.replace("${{ github.base_ref }}", "main").replace("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main")
    return shlex.split(command)[1:]  # drop "tagcheck"


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "examples" / "terraform", root)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=root, check=True)
    subprocess.run(["git", "update-ref", "refs/remotes/origin/main", "HEAD"], cwd=root, check=True)
    trainer = root / "modules" / "training" / "main.tf"  # the pull request: a bigger trainer
    trainer.write_text(trainer.read_text().replace('"p3.2xlarge"', '"p3.8xlarge"', 1))
    shutil.copy(PLAN, root / "plan.json")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("recipe", ["github-actions.yml", "gitlab-ci.yml"])
def test_recipe_commands_run(recipe, checkout, capsys):
    commands = _commands(yaml.safe_load((CI / recipe).read_text()))
    assert commands, f"{recipe} names no tagcheck command"
    for command in commands:
        status = main(_substitute(command))
        out = capsys.readouterr()
        assert status in (0, 1), f"{command!r} → exit {status}: {out.err}"
    if recipe == "github-actions.yml":
        sarif = json.loads((checkout / "tagcheck.sarif").read_text())
        results = sarif["runs"][0]["results"]
        assert results and {r["properties"]["address"] for r in results} == {"module.training.aws_instance.trainer"}
        assert "p3.8xlarge" in (checkout / "tagcheck.md").read_text()
    else:
        suite = ET.parse(checkout / "tagcheck-junit.xml").getroot()
        assert suite.tag == "testsuites"
        assert ET.parse(checkout / "tagcheck-plan-junit.xml").getroot().tag == "testsuites"
