"""Every scan option that changes how the work is scheduled gives the same findings
(issue 12, part 5).

The options: ``--jobs 1`` / ``--jobs 2``; the cache off (``--no-cache``), cold, and warm in
the same ``--cache-dir`` (also warmed by one job count and read by the other); pre-commit
style file lists; ``--diff-base``. They run over the bundled example and the fixture
repositories of ``tests/data/realworld_shapes/`` (written in the shape of real public
Terraform code), and each must give exactly the findings of the simplest schedule — one
process, no cache — compared as sorted (rule, address, file, line, message, details,
severity) from ``--format json``, with no exit 3 and no TC000.

Worker processes are only started above a size (``MIN_FILES_FOR_WORKERS`` and friends): the
trees here are below it. So each schedule runs twice: ``auto`` with the thresholds as
shipped (what a user gets on these trees; it is how ``--no-cache`` with a ``.tfvars`` file
and two jobs crashed in ``prefetch``), and ``pool`` with the thresholds lowered to one, so
that parsing and evaluating really go through worker processes (checked: the pool returned
results). A pool that fails falls back to in-process work silently, which would hide what
this file is for.

Every tree is copied to a temporary git repository first: the scan's file names are
relative to it (the runs compare equal whatever the tree's path), and pre-commit's search
for the callers of a changed module stops at the repository's top.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tagcheck.cli import main
from tagcheck.sources.terraform import loader as tf_loader
from tagcheck.sources.terraform import source as tf_source
from tagcheck.sources.terraform import workers as tf_workers

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "examples" / "terraform"
SHAPES = HERE / "data" / "realworld_shapes"

POLICY = """\
version: 1
tags:
  required: [team, environment, cost-center]
  allowed:
    cost-center: {pattern: '^cc-[0-9]{4}$'}
"""

# tree → (source directory, whether it brings its own .tagcheck.yaml, its root modules: the
# directories no other module calls — stated here, not asked of tagcheck)
TREES = {
    "example": (EXAMPLE, True, ["."]),
    "registry_module": (SHAPES / "registry_module", False, ["examples/complete"]),
    "monorepo_environments": (SHAPES / "monorepo_environments", False,
                              ["terraform/environments/payments", "terraform/environments/reporting",
                               "terraform/environments/sandbox"]),
}

# A schedule is a sequence of runs; runs after the first share the first one's --cache-dir.
# Each run: (jobs, "none" | "cache"), and whether worker processes must have run in it
# under the "pool" thresholds (a warm run has nothing left to parse or evaluate).
SCHEDULES = {
    "jobs1-nocache": [(1, "none", False)],
    "jobs2-nocache": [(2, "none", True)],
    "jobs1-cold-then-warm": [(1, "cache", True), (1, "cache", False)],
    "jobs2-cold-then-warm": [(2, "cache", True), (2, "cache", False)],
    "jobs1-cold-then-jobs2-warm": [(1, "cache", True), (2, "cache", False)],
    "jobs2-cold-then-jobs1-warm": [(2, "cache", True), (1, "cache", False)],
}
MODES = ["auto", "pool"]

# pre-commit: the files a commit changed, as the hook passes them (relative to the repository top)
FILE_LISTS = {
    "example": {
        "leaf-module": ["modules/training/main.tf"],
        "two-modules": ["modules/data/main.tf", "modules/network/variables.tf"],
        "root": ["main.tf", "variables.tf"],
        "root-and-module": ["main.tf", "modules/training/main.tf"],
    },
    "registry_module": {
        # the module at the top: called by examples/complete and by wrappers/ (it has a providers.tf)
        "top-module": ["main.tf"],
        "example-root": ["examples/complete/main.tf"],
    },
    "monorepo_environments": {
        "shared-module": ["terraform/modules/baseline/main.tf"],
        "one-env": ["terraform/environments/payments/main.tf"],
        "two-envs": ["terraform/environments/payments/main.tf", "terraform/environments/sandbox/main.tf"],
        "env-and-shared-module": ["terraform/environments/reporting/main.tf",
                                  "terraform/modules/baseline/variables.tf"],
    },
}

# --diff-base: one resource block changed on the branch (file, old text, new text)
DIFF_EDITS = {
    "example": ("modules/training/main.tf", '"p3.2xlarge"', '"p3.8xlarge"'),
    "registry_module": ("main.tf", "try(each.value.retention_seconds, 345600)",
                        "try(each.value.retention_seconds, 1209600)"),
    "monorepo_environments": ("terraform/modules/baseline/main.tf", "retention_in_days = var.log_retention_days",
                              "retention_in_days = var.log_retention_days\n  skip_destroy      = true"),
}


# --- helpers ----------------------------------------------------------------------------------

def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", *args],
                   cwd=cwd, check=True, capture_output=True)


def _copy_repo(name: str, into: Path) -> Path:
    """The tree as a fresh git repository with one commit on ``main``."""
    src, _, _ = TREES[name]
    repo = into / name
    shutil.copytree(src, repo, ignore=shutil.ignore_patterns(".terraform", "__pycache__"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "base")
    return repo


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> dict[str, Path]:
    top = tmp_path_factory.mktemp("matrix")
    (top / "policy.yaml").write_text(POLICY)
    return {name: _copy_repo(name, top) for name in TREES}


def _policy_args(name: str, repo: Path) -> list[str]:
    return [] if TREES[name][1] else ["--policy", str(repo.parent / "policy.yaml")]


def _row(finding: dict) -> tuple:
    resource = finding.get("resource") or {}
    location = finding.get("location") or {}
    return (finding["rule"], resource.get("address") or "", location.get("file") or "", location.get("line") or 0,
            finding["message"], json.dumps(finding.get("details"), sort_keys=True, default=str), finding["severity"])


class Result:
    def __init__(self, status: int, doc: dict):
        self.status = status
        self.rows = sorted(_row(f) for f in doc["findings"])
        summary = doc.get("summary", {})
        scan = summary.get("scan", {})
        zero = scan.get("zero_instances") or {}
        self.facts = {"resources": summary.get("resources"), "workspace": scan.get("workspace"),
                      "zero_instances": sorted(json.dumps(b, sort_keys=True) for b in zero.get("blocks", [])),
                      "skipped_unchanged": scan.get("skipped_unchanged")}


def _scan(capsys, repo: Path, args: list[str], what: str) -> Result:
    """One in-process ``tagcheck scan ... -f json`` from the repository's top (as pre-commit runs it)."""
    status = main(["scan", *args, "-f", "json"])
    out, err = capsys.readouterr()
    assert status in (0, 1), f"{what}: exit {status}\n{err}"
    doc = json.loads(out)
    crashes = [f for f in doc["findings"] if f["rule"] == "TC000"]
    assert not crashes, f"{what}: TC000 {json.dumps(crashes, indent=1)}"
    return Result(status, doc)


@pytest.fixture
def pool_calls(monkeypatch) -> list[bool]:
    """Whether each use of the worker pool came back with results (False: it failed and the
    work was done in this process instead)."""
    calls: list[bool] = []
    real = tf_workers.Workers.map

    def spy(self, fn, items, chunksize=1, **kwargs):
        result = real(self, fn, items, chunksize, **kwargs)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(tf_workers.Workers, "map", spy)
    return calls


def _use_mode(monkeypatch, mode: str) -> None:
    if mode == "pool":  # worker processes for any size of scan, with one job or two
        monkeypatch.setattr(tf_loader, "MIN_FILES_FOR_WORKERS", 1)
        monkeypatch.setattr(tf_loader, "MIN_FILES_FOR_ONE_WORKER", 1)
        monkeypatch.setattr(tf_source, "MIN_ROOTS_FOR_WORKERS", 1)
        monkeypatch.setattr(tf_source, "MIN_ROOTS_FOR_ONE_WORKER", 1)


def _schedule_args(jobs: int, cache: str, cache_dir: Path) -> list[str]:
    return ["--jobs", str(jobs), *(["--no-cache"] if cache == "none" else ["--cache-dir", str(cache_dir)])]


def _run_schedule(capsys, monkeypatch, pool_calls, repo: Path, mode: str, schedule: str, args: list[str],
                  cache_dir: Path, what: str) -> list[tuple[str, Result]]:
    """Each run of a schedule → (its label, its result)."""
    _use_mode(monkeypatch, mode)
    results = []
    for i, (jobs, cache, workers_expected) in enumerate(SCHEDULES[schedule]):
        label = f"{what} [{mode}, {schedule}, run {i + 1}: jobs {jobs}, cache {cache if cache == 'none' else ('cold' if i == 0 else 'warm')}]"
        del pool_calls[:]
        results.append((label, _scan(capsys, repo, [*args, *_schedule_args(jobs, cache, cache_dir)], label)))
        if mode == "pool" and workers_expected:
            assert pool_calls and all(pool_calls), f"{label}: worker processes did not run ({pool_calls})"
    return results


_reference: dict[tuple, Result] = {}


def _reference_scan(capsys, repo: Path, args: list[str], what: str) -> Result:
    """The simplest schedule: one process, no cache, thresholds as shipped."""
    key = (str(repo), tuple(args))
    if key not in _reference:
        _reference[key] = _scan(capsys, repo, [*args, "--jobs", "1", "--no-cache"], f"{what} [reference: jobs 1, no cache]")
    return _reference[key]


def _assert_same(expected: Result, got: Result, label: str, facts: bool = True) -> None:
    missing = Counter(expected.rows) - Counter(got.rows)
    extra = Counter(got.rows) - Counter(expected.rows)
    assert not missing and not extra, (f"{label}: findings differ from the reference\n  missing: "
                                       + "\n           ".join(map(repr, missing))
                                       + "\n  extra:   " + "\n           ".join(map(repr, extra)))
    assert got.status == expected.status, label
    if facts:
        assert got.facts == expected.facts, label


def _cases(table: dict) -> list:
    return [pytest.param(tree, case, id=f"{tree}-{case}") for tree, cases in table.items() for case in cases]


# --- whole trees ------------------------------------------------------------------------------

@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tree", list(TREES))
def test_whole_tree_same_findings_under_every_schedule(tree, mode, schedule, repos, capsys, monkeypatch, pool_calls,
                                                       tmp_path):
    repo = repos[tree]
    monkeypatch.chdir(repo)
    args = [".", *_policy_args(tree, repo)]
    expected = _reference_scan(capsys, repo, args, tree)
    assert expected.rows, f"{tree}: the reference scan found nothing: the fixture checks nothing"
    for label, got in _run_schedule(capsys, monkeypatch, pool_calls, repo, mode, schedule, args,
                                    tmp_path / "cache", tree):
        _assert_same(expected, got, label)


def test_the_fixtures_are_what_they_claim(repos, capsys, monkeypatch):
    """The fixture repositories do exercise what the matrix is about: tfvars files in the
    roots, module calls, blocks with zero instances, unknown tags and real findings."""
    for tree, (src, _, roots) in TREES.items():
        repo = repos[tree]
        monkeypatch.chdir(repo)
        result = _reference_scan(capsys, repo, [".", *_policy_args(tree, repo)], tree)
        rules = {row[0] for row in result.rows}
        assert any(src.rglob("*.tfvars")), tree
        assert "TAG001" in rules or "TAG002" in rules, (tree, rules)
        for root in roots:
            assert any((src / root).glob("*.tf")), (tree, root)
        if tree != "example":
            assert (src / "README.md").is_file()
            assert len([p for p in src.rglob("*") if p.is_file()]) <= 16, tree
            assert result.facts["zero_instances"], f"{tree}: no block with zero instances"
    monorepo = _reference_scan(capsys, repos["monorepo_environments"],
                               [".", *_policy_args("monorepo_environments", repos["monorepo_environments"])],
                               "monorepo_environments")
    assert "TAG005" in {row[0] for row in monorepo.rows}  # tags from data.http: unknown, with the reason


# --- pre-commit file lists --------------------------------------------------------------------

def _expected_for_files(capsys, tree: str, repo: Path, files: list[str]) -> Result:
    """What pre-commit on ``files`` must report (source.py's docstring): each changed
    directory that is a root is evaluated whole, as a directory scan of it gives; a changed
    directory that other modules call is evaluated through the roots that call it, and only
    the resources located in it are kept — the full scan's findings located in it."""
    policy = _policy_args(tree, repo)
    full = _reference_scan(capsys, repo, [".", *policy], tree)
    roots = TREES[tree][2]
    rows: Counter = Counter()
    for directory in dict.fromkeys(str(Path(f).parent) for f in files):
        if directory in roots:
            part = Counter(_reference_scan(capsys, repo, [directory, *policy], f"{tree}: {directory}").rows)
        else:
            part = Counter(row for row in full.rows if str(Path(row[2]).parent) == directory)
        rows |= part  # a finding reached both ways counts once
    status = 1 if any(row[6] == "error" for row in rows) else 0
    expected = Result(status, {"findings": []})
    expected.rows = sorted(rows.elements())
    return expected


@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("tree", "case"), _cases(FILE_LISTS))
def test_precommit_file_list_keeps_the_changed_directories_findings(tree, case, mode, schedule, repos, capsys,
                                                                    monkeypatch, pool_calls, tmp_path):
    repo = repos[tree]
    monkeypatch.chdir(repo)
    files = FILE_LISTS[tree][case]
    expected = _expected_for_files(capsys, tree, repo, files)
    assert expected.rows, f"{tree} {case}: nothing expected: the case checks nothing"
    args = [*files, *_policy_args(tree, repo)]
    runs = _run_schedule(capsys, monkeypatch, pool_calls, repo, mode, schedule, args, tmp_path / "cache",
                         f"{tree}: pre-commit {' '.join(files)}")
    for label, got in runs:
        _assert_same(expected, got, label, facts=False)
    first = runs[0][1]
    for label, got in runs[1:]:
        assert got.facts == first.facts, label


# --- --diff-base ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def diff_repos(tmp_path_factory) -> dict[str, Path]:
    """Each tree on a branch ``feature`` whose one commit changes one resource block."""
    top = tmp_path_factory.mktemp("diff")
    (top / "policy.yaml").write_text(POLICY)
    made = {}
    for tree, (path, old, new) in DIFF_EDITS.items():
        repo = _copy_repo(tree, top)
        _git(repo, "checkout", "-qb", "feature")
        target = repo / path
        text = target.read_text()
        assert text.count(old) == 1, (tree, path, old)
        target.write_text(text.replace(old, new))
        _git(repo, "commit", "-qam", "change one resource block")
        made[tree] = repo
    return made


@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("tree", list(DIFF_EDITS))
def test_diff_base_same_findings_under_every_schedule(tree, mode, schedule, diff_repos, capsys, monkeypatch,
                                                      pool_calls, tmp_path):
    repo = diff_repos[tree]
    monkeypatch.chdir(repo)
    args = [".", "--diff-base", "main", *_policy_args(tree, repo)]
    expected = _reference_scan(capsys, repo, args, f"{tree} --diff-base")
    full = _reference_scan(capsys, repo, [".", *_policy_args(tree, repo)], f"{tree} (whole)")
    changed_dir = str(Path(DIFF_EDITS[tree][0]).parent)
    assert expected.rows, f"{tree}: --diff-base reported nothing for a changed resource block"
    assert all(str(Path(row[2]).parent) == changed_dir for row in expected.rows if row[1]), expected.rows
    assert set(row[1] for row in expected.rows) <= set(row[1] for row in full.rows)
    assert expected.facts["skipped_unchanged"], f"{tree}: --diff-base kept every resource"
    for label, got in _run_schedule(capsys, monkeypatch, pool_calls, repo, mode, schedule, args,
                                    tmp_path / "cache", f"{tree} --diff-base main"):
        _assert_same(expected, got, label)
