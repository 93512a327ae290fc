"""Evaluated roots from the cache: used only while nothing the root's evaluation read has
changed, and then exactly what evaluating it again would give."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tagcheck.sources.terraform import evaluator as evaluator_py
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.source import scan

ROOT_TF = '''provider "aws" {
  region = "eu-west-1"
  default_tags { tags = { team = var.team } }
}
variable "team" { default = "ml" }
module "app" {
  source = "../modules/app"
  name   = "web"
}
'''
APP_TF = '''variable "name" {}
resource "aws_sqs_queue" "q" {
  name = var.name
  tags = merge(var.extra, { component = var.name })
}
variable "extra" { default = {} }
'''


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "live").mkdir()
    (tmp_path / "modules" / "app").mkdir(parents=True)
    (tmp_path / "live" / "main.tf").write_text(ROOT_TF)
    (tmp_path / "modules" / "app" / "main.tf").write_text(APP_TF)
    return tmp_path


def _scan(repo: Path, cache_dir: Path, inputs: RootInputs | None = None, cwd: Path | None = None):
    cache = ParseCache(cache_dir)
    return scan([repo], inputs, cwd=cwd or repo, cache=cache), cache


def _no_evaluation(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a root was evaluated")

    monkeypatch.setattr(evaluator_py.ModuleEvaluator, "evaluate_root", refuse)


def test_an_unchanged_repository_is_taken_from_the_cache_and_equals_a_fresh_evaluation(repo, tmp_path, monkeypatch):
    fresh, _ = _scan(repo, tmp_path / "cache")
    _no_evaluation(monkeypatch)
    warm, cache = _scan(repo, tmp_path / "cache")
    assert warm.resources == fresh.resources and len(fresh.resources) == 1
    assert warm.problems == fresh.problems
    assert warm.directory_chains == fresh.directory_chains
    assert cache.writes == 0 and cache.misses == 0


def test_unknown_values_and_partial_maps_survive_the_round_trip(repo, tmp_path, monkeypatch):
    (repo / "live" / "main.tf").write_text(ROOT_TF.replace('name   = "web"', 'name   = "web"\n  extra  = var.more')
                                           + 'variable "more" {}\n')
    fresh, _ = _scan(repo, tmp_path / "cache")
    (queue,) = fresh.resources
    assert not queue.tags.complete  # merge(var.more, {...}) with var.more unknown: a partial map
    _no_evaluation(monkeypatch)
    warm, _ = _scan(repo, tmp_path / "cache")
    assert warm.resources == fresh.resources


def _tags(result) -> dict:
    (resource,) = result.resources
    return resource.tags.known_dict()


def test_editing_a_called_module_evaluates_the_root_again(repo, tmp_path):
    _scan(repo, tmp_path / "cache")
    (repo / "modules" / "app" / "main.tf").write_text(APP_TF.replace("component = var.name", 'component = "api"'))
    assert _tags(_scan(repo, tmp_path / "cache")[0])["component"] == "api"


def test_a_new_file_in_a_called_module_is_seen(repo, tmp_path):
    _scan(repo, tmp_path / "cache")
    (repo / "modules" / "app" / "extra.tf").write_text('resource "aws_sns_topic" "t" {}\n')
    result, _ = _scan(repo, tmp_path / "cache")
    assert sorted(r.address for r in result.resources) == ["module.app.aws_sns_topic.t", "module.app.aws_sqs_queue.q"]


def test_a_new_auto_tfvars_changes_the_variables(repo, tmp_path):
    _scan(repo, tmp_path / "cache")
    (repo / "live" / "team.auto.tfvars").write_text('team = "data"\n')
    assert _tags(_scan(repo, tmp_path / "cache")[0])["team"] == "data"


def test_var_and_var_file_inputs_are_part_of_the_key(repo, tmp_path):
    assert _tags(_scan(repo, tmp_path / "cache")[0])["team"] == "ml"
    assert _tags(_scan(repo, tmp_path / "cache", RootInputs(vars={"team": "ops"}))[0])["team"] == "ops"
    var_file = tmp_path / "prod.tfvars"
    var_file.write_text('team = "a"\n')
    assert _tags(_scan(repo, tmp_path / "cache", RootInputs([var_file]))[0])["team"] == "a"
    var_file.write_text('team = "b"\n')  # same path, new content
    assert _tags(_scan(repo, tmp_path / "cache", RootInputs([var_file]))[0])["team"] == "b"


def test_a_module_directory_that_appears_later_is_followed(repo, tmp_path):
    import shutil

    shutil.rmtree(repo / "modules" / "app")
    (repo / "live" / "main.tf").write_text(ROOT_TF.replace("../modules/app", "../modules/new"))
    first, _ = _scan(repo, tmp_path / "cache")
    assert not first.resources and any("does not exist" in p.message for p in first.problems)
    (repo / "modules" / "new").mkdir()
    (repo / "modules" / "new" / "main.tf").write_text(APP_TF)
    second, _ = _scan(repo, tmp_path / "cache")
    assert [r.address for r in second.resources] == ["module.app.aws_sqs_queue.q"]


def test_a_repointed_symbolic_link_is_followed(repo, tmp_path):
    (repo / "modules" / "other").mkdir()
    (repo / "modules" / "other" / "main.tf").write_text('resource "aws_sns_topic" "t" {}\n')
    (repo / "modules" / "current").symlink_to("app")
    (repo / "live" / "main.tf").write_text(ROOT_TF.replace("../modules/app", "../modules/current"))

    def through_live() -> list[str]:  # modules/other is also scanned as a root of its own
        return [r.type for r in _scan(repo, tmp_path / "cache")[0].resources if r.root == "live"]

    assert through_live() == ["aws_sqs_queue"]
    (repo / "modules" / "current").unlink()
    (repo / "modules" / "current").symlink_to("other")
    assert through_live() == ["aws_sns_topic"]


def test_paths_are_shown_relative_to_the_working_directory_of_each_run(repo, tmp_path):
    at_top, _ = _scan(repo, tmp_path / "cache", cwd=repo)
    inside, _ = _scan(repo, tmp_path / "cache", cwd=repo / "live")
    assert at_top.resources[0].location.file == os.path.join("modules", "app", "main.tf")
    # outside the working directory: the full path (display() shows nothing relative with "..")
    assert inside.resources[0].location.file == str((repo / "modules" / "app" / "main.tf").resolve())


def test_an_entry_of_another_shape_is_evaluated_again_and_rewritten(repo, tmp_path):
    import marshal

    fresh, _ = _scan(repo, tmp_path / "cache")
    for entry in (tmp_path / "cache" / "parse").rglob("*"):
        if entry.is_file():
            value = marshal.loads(entry.read_bytes())
            if isinstance(value, tuple) and len(value) == 6:  # an evaluated root: (deps, resources, problems, …)
                entry.write_bytes(marshal.dumps(("deps", [("not", "a resource")], [], [], [], ())))
    again, cache = _scan(repo, tmp_path / "cache")
    assert again.resources == fresh.resources and cache.writes >= 1


def test_a_module_shared_by_two_roots_reports_its_problem_once(repo, tmp_path):
    (repo / "modules" / "app" / "broken.tf").write_text('resource "aws_sqs_queue" "x" {\n')
    (repo / "live2").mkdir()
    (repo / "live2" / "main.tf").write_text(ROOT_TF)
    for _ in range(2):  # evaluated, then from the cache
        result, _ = _scan(repo, tmp_path / "cache")
        assert [p.rule for p in result.problems] == ["TC001"]
        assert sorted(r.root for r in result.resources) == ["live", "live2"]


def test_diff_base_can_still_read_the_modules_of_a_warm_scan(repo, tmp_path):
    _scan(repo, tmp_path / "cache")
    warm, _ = _scan(repo, tmp_path / "cache")
    module = warm.module((repo / "modules" / "app").resolve())
    assert module is not None and [b.labels for _, b in module.blocks("resource")] == [("aws_sqs_queue", "q")]
    assert warm.module(tmp_path) is None  # not a module directory of the scan


@pytest.mark.parametrize("jobs", [1, 2])
def test_roots_evaluated_in_worker_processes_give_what_evaluating_here_gives(tmp_path, monkeypatch, jobs):
    """(with one job only on scans large enough for the memory it saves to matter)"""
    from tagcheck.sources.terraform import source

    repo = tmp_path / "repo"
    (repo / "modules" / "app").mkdir(parents=True)
    (repo / "modules" / "app" / "main.tf").write_text(APP_TF)
    count = (source.MIN_ROOTS_FOR_WORKERS if jobs > 1 else source.MIN_ROOTS_FOR_ONE_WORKER) + 2
    for i in range(count):
        (repo / f"live{i}").mkdir()
        (repo / f"live{i}" / "main.tf").write_text(ROOT_TF.replace('"ml"', f'"team{i}"'))
    here = scan([repo], cwd=repo)  # no cache: every root evaluated in this process

    pids = tmp_path / "pids"
    original = evaluator_py.ModuleEvaluator.evaluate_root

    def recording(self, *args, **kwargs):
        with open(pids, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(evaluator_py.ModuleEvaluator, "evaluate_root", recording)  # forked workers inherit it
    there = scan([repo], cwd=repo, cache=ParseCache(tmp_path / "cache"), jobs=jobs)
    evaluated_in = set(pids.read_text().split())
    assert str(os.getpid()) not in evaluated_in and 1 <= len(evaluated_in) <= jobs
    assert there.resources == here.resources and len(here.resources) == count
    assert there.problems == here.problems and there.directory_chains == here.directory_chains


def test_one_job_on_a_small_scan_starts_no_worker(tmp_path, monkeypatch):
    from tagcheck.sources.terraform import workers

    def refuse(*_args, **_kwargs):
        raise AssertionError("a worker pool was used")

    monkeypatch.setattr(workers.Workers, "map", refuse)
    (tmp_path / "main.tf").write_text(ROOT_TF.replace("../modules/app", "./app"))
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.tf").write_text(APP_TF)
    result = scan([tmp_path], cwd=tmp_path, cache=ParseCache(tmp_path / ".cache"), jobs=1)
    assert [r.address for r in result.resources] == ["module.app.aws_sqs_queue.q"]
