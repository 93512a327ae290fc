"""--diff-base maps a change to the resources it touches, following what reads what: each test
builds a real git repository, commits a base on ``main``, changes it on a branch and checks the
exact set of resources the scan keeps (and those it lists as removed)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tagcheck import app
from tagcheck.cli import main

POLICY = "version: 1\ntags:\n  required: [team]\n"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout


def _write(root: Path, files: dict[str, str | None]) -> None:
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)


def _commit(root: Path, message: str = "change") -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch):
    """An empty repository on branch ``feature`` whose ``main`` gets the base; call the
    returned function with the base's files."""
    root = tmp_path / "infra"
    root.mkdir()
    monkeypatch.chdir(root)
    _git(root, "init", "-q", "-b", "main")

    def base(files: dict[str, str]) -> Path:
        _write(root, {".tagcheck.yaml": POLICY, **files})
        _commit(root, "base")
        _git(root, "checkout", "-qb", "feature")
        return root

    return base


def _diff(root: Path, *, var_files=(), variables=(), **options) -> app.Collected:
    inputs = app.root_inputs([Path(v) for v in var_files], list(variables))
    return app.collect_terraform([root], inputs, diff_base="main", policy=app.load_policy(None, root), **options)


def _changed(root: Path, **options) -> set[str]:
    return {r.address for r in _diff(root, **options).resources}


def _removed(root: Path, **options) -> list[str]:
    return [r["address"] for r in _diff(root, **options).info["removed"]]


def _queues(*names: str, extra: str = "") -> str:
    return "".join(f'resource "aws_sqs_queue" "{n}" {{\n  name = "{n}"{extra}\n}}\n\n' for n in names)


def test_references_are_read_through_splats_indexes_calls_and_for_expressions():
    from tagcheck.sources.terraform.dependencies import references
    from tagcheck.sources.terraform.parser import parse_expression

    text = ('merge(local.tags, { a = aws_subnet.s[*].id, b = module.m["k"].out, c = data.aws_ami.u[0].id },'
            ' [for x in var.list : x.id if each.key != path.module], lookup(var.map, local.key, count.index))')
    assert references(parse_expression(text)) == {
        ("local", "tags"), ("resource", "aws_subnet.s"), ("module_output", "m", "out"), ("data", "aws_ami.u"),
        ("var", "list"), ("resource", "x.id"), ("var", "map"), ("local", "key")}  # x.id: an iterator, no block


# --- lines: blocks, blank lines, comments, hunks ------------------------------------------

def test_a_new_file_with_two_adjacent_resources_changes_only_those_two(repo):
    root = repo({"main.tf": _queues("a", "b")})
    _write(root, {"new.tf": 'resource "aws_sqs_queue" "c" {\n  name = "c"\n}\nresource "aws_sqs_queue" "d" {\n'
                            '  name = "d"\n}\n'})
    _commit(root)
    assert _changed(root) == {"aws_sqs_queue.c", "aws_sqs_queue.d"}


def test_blank_lines_comments_and_reindenting_change_nothing(repo):
    root = repo({"main.tf": _queues("a", "b")})
    text = (root / "main.tf").read_text()
    reformatted = text.replace('  name = "a"', '  # first\n    name   = "a"')
    _write(root, {"main.tf": "\n# the queues of the app\n\n" + reformatted})
    assert _changed(root) == set()
    assert _diff(root).info["skipped_unchanged"] == 2


def test_editing_one_resource_changes_only_it(repo):
    root = repo({"main.tf": _queues("a", "b", "c")})
    _write(root, {"main.tf": (root / "main.tf").read_text().replace('name = "b"', 'name = "b2"')})
    assert _changed(root) == {"aws_sqs_queue.b"}


def test_a_hunk_spanning_two_blocks_touches_exactly_those_two(repo):
    root = repo({"main.tf": 'resource "aws_sqs_queue" "a" {\n  name = "a"\n  delay_seconds = 1\n}\n'
                            'resource "aws_sqs_queue" "b" {\n  name = "b"\n}\n' + _queues("c")})
    _write(root, {"main.tf": (root / "main.tf").read_text().replace(
        '  delay_seconds = 1\n}\nresource "aws_sqs_queue" "b" {\n  name = "b"',
        '  delay_seconds = 2\n}  # a\nresource "aws_sqs_queue" "b"  {\n  name = "b2"')})
    hunks = [line for line in _git(root, "diff", "-U0", "main", "--", "main.tf").splitlines() if line.startswith("@@")]
    assert len(hunks) == 1  # one hunk, from inside a to inside b
    assert _changed(root) == {"aws_sqs_queue.a", "aws_sqs_queue.b"}


def test_lines_deleted_inside_a_block_touch_that_block(repo):
    root = repo({"main.tf": 'resource "aws_sqs_queue" "a" {\n  name = "a"\n  delay_seconds = 1\n}\n\n' + _queues("b")})
    _write(root, {"main.tf": (root / "main.tf").read_text().replace("  delay_seconds = 1\n", "")})
    assert "+2,0 @@" in _git(root, "diff", "-U0", "main", "--", "main.tf")  # a zero-length new side
    assert _changed(root) == {"aws_sqs_queue.a"}


def test_a_changed_suppression_comment_changes_its_resource(repo):
    root = repo({"main.tf": _queues("a", "b")})
    _write(root, {"main.tf": "# tagcheck:ignore=TAG001 legacy\n" + (root / "main.tf").read_text()})
    assert _changed(root) == {"aws_sqs_queue.a"}


# --- inputs: variables, tfvars, locals, providers, references -------------------------------

def test_a_variable_default_changes_exactly_the_resources_that_read_it(repo):
    readers = "".join(f'resource "aws_sqs_queue" "r{i}" {{\n  name = "${{var.prefix}}-{i}"\n}}\n' for i in range(3))
    root = repo({"variables.tf": 'variable "prefix" {\n  default = "app"\n}\n',
                 "main.tf": readers + _queues("other1", "other2")})
    _write(root, {"variables.tf": 'variable "prefix" {\n  default = "svc"\n}\n'})
    assert _changed(root) == {"aws_sqs_queue.r0", "aws_sqs_queue.r1", "aws_sqs_queue.r2"}


def test_a_local_changes_only_its_readers_transitively(repo):
    root = repo({"locals.tf": 'locals {\n  base = "a"\n  derived = "${local.base}-x"\n  other = "o"\n}\n',
                 "main.tf": 'resource "aws_sqs_queue" "direct" {\n  name = local.base\n}\n'
                            'resource "aws_sqs_queue" "indirect" {\n  name = local.derived\n}\n'
                            'resource "aws_sqs_queue" "unrelated" {\n  name = local.other\n}\n'})
    _write(root, {"locals.tf": (root / "locals.tf").read_text().replace('base = "a"', 'base = "b"')})
    assert _changed(root) == {"aws_sqs_queue.direct", "aws_sqs_queue.indirect"}


def test_a_tfvars_value_changes_only_the_variables_it_sets_differently(repo):
    root = repo({"variables.tf": 'variable "x" {}\nvariable "y" {}\n',
                 "terraform.tfvars": 'x = "1"\ny = "1"\n',
                 "main.tf": 'resource "aws_sqs_queue" "reads_x" {\n  name = var.x\n}\n'
                            'resource "aws_sqs_queue" "reads_y" {\n  name = var.y\n}\n',
                 "prod.tfvars": 'x = "p"\ny = "p"\n'})
    _write(root, {"terraform.tfvars": '# reviewed\nx = "1"\n\ny = "2"\n'})
    assert _changed(root) == {"aws_sqs_queue.reads_y"}
    _commit(root)
    _write(root, {"prod.tfvars": 'x = "q"\ny = "p"\n'})
    assert _changed(root) == {"aws_sqs_queue.reads_y"}  # prod.tfvars is read only when passed …
    assert _changed(root, var_files=["prod.tfvars"]) == {"aws_sqs_queue.reads_x", "aws_sqs_queue.reads_y"}


def test_provider_default_tags_change_the_resources_of_that_configuration_also_in_modules(repo):
    root = repo({
        "providers.tf": 'provider "aws" {\n  default_tags {\n    tags = { team = "a" }\n  }\n}\n'
                        'provider "aws" {\n  alias = "east"\n  region = "us-east-1"\n'
                        '  default_tags {\n    tags = { team = "e" }\n  }\n}\n',
        "main.tf": 'resource "aws_sqs_queue" "default" {\n  name = "d"\n}\n'
                   'resource "aws_sqs_queue" "east" {\n  provider = aws.east\n  name = "e"\n}\n'
                   'module "inherits" {\n  source = "./mod"\n}\n'
                   'module "passed_east" {\n  source = "./mod"\n  providers = { aws = aws.east }\n}\n',
        "mod/main.tf": _queues("q"),
    })
    _write(root, {"providers.tf": (root / "providers.tf").read_text().replace('team = "a"', 'team = "b"')})
    assert _changed(root) == {"aws_sqs_queue.default", "module.inherits.aws_sqs_queue.q"}
    _write(root, {"providers.tf": (root / "providers.tf").read_text().replace(
        'team = "b"', 'team = "a"').replace('team = "e"', 'team = "f"')})
    assert _changed(root) == {"aws_sqs_queue.east", "module.passed_east.aws_sqs_queue.q"}


def test_ignore_tags_count_like_default_tags(repo):
    root = repo({"providers.tf": 'provider "aws" {\n}\n', "main.tf": _queues("a")})
    _write(root, {"providers.tf": 'provider "aws" {\n  ignore_tags {\n    keys = ["team"]\n  }\n}\n'})
    assert _changed(root) == {"aws_sqs_queue.a"}


def test_a_resource_or_data_source_read_by_another_changes_its_reader(repo):
    root = repo({"main.tf": (
        'data "aws_ami" "base" {\n  owners = ["amazon"]\n}\n'
        'resource "aws_launch_template" "app" {\n  image_id = data.aws_ami.base.id\n  instance_type = "t3.small"\n}\n'
        'resource "aws_autoscaling_group" "app" {\n  max_size = 2\n  min_size = 1\n'
        '  launch_template {\n    id = aws_launch_template.app.id\n  }\n}\n' + _queues("unrelated"))})
    _write(root, {"main.tf": (root / "main.tf").read_text().replace('"t3.small"', '"m5.large"')})
    assert _changed(root) == {"aws_launch_template.app", "aws_autoscaling_group.app"}
    _write(root, {"main.tf": (root / "main.tf").read_text().replace('"m5.large"', '"t3.small"')
                  .replace('["amazon"]', '["self"]')})
    assert _changed(root) == {"aws_launch_template.app", "aws_autoscaling_group.app"}


# --- modules ---------------------------------------------------------------------------------

def _module_repo(repo) -> Path:
    return repo({
        "main.tf": 'module "one" {\n  source = "./app"\n  prefix = "one"\n  size = 1\n}\n'
                   'module "two" {\n  source = "./app"\n  prefix = "two"\n  size = 1\n}\n'
                   'module "net" {\n  source = "./net"\n}\n'
                   'resource "aws_sqs_queue" "from_output" {\n  name = module.net.queue_name\n}\n',
        "app/main.tf": 'variable "prefix" {}\nvariable "size" {}\n'
                       'resource "aws_sqs_queue" "named" {\n  name = var.prefix\n}\n'
                       'resource "aws_sqs_queue" "sized" {\n  delay_seconds = var.size\n}\n',
        "net/main.tf": _queues("n") + 'output "queue_name" {\n  value = "fixed"\n}\n',
    })


def test_a_module_file_edit_reaches_that_modules_resources_in_every_instance(repo):
    root = _module_repo(repo)
    _write(root, {"app/main.tf": (root / "app/main.tf").read_text().replace(
        "  name = var.prefix\n", '  name = var.prefix\n  visibility_timeout_seconds = 60\n')})
    assert _changed(root) == {"module.one.aws_sqs_queue.named", "module.two.aws_sqs_queue.named"}


def test_a_module_argument_changes_only_the_resources_of_that_call_that_read_it(repo):
    root = _module_repo(repo)
    _write(root, {"main.tf": (root / "main.tf").read_text().replace('prefix = "two"', 'prefix = "deux"')})
    assert _changed(root) == {"module.two.aws_sqs_queue.named"}


def test_a_module_source_change_changes_all_its_resources(repo):
    root = _module_repo(repo)
    _write(root, {"app2/main.tf": (root / "app/main.tf").read_text(),
                  "main.tf": (root / "main.tf").read_text().replace(
                      'source = "./app"\n  prefix = "two"', 'source = "./app2"\n  prefix = "two"')})
    _git(root, "add", "-A")
    assert _changed(root) == {"module.two.aws_sqs_queue.named", "module.two.aws_sqs_queue.sized"}


def test_a_module_output_change_reaches_the_callers_readers(repo):
    root = _module_repo(repo)
    _write(root, {"net/main.tf": (root / "net/main.tf").read_text().replace('"fixed"', '"moved"')})
    assert _changed(root) == {"aws_sqs_queue.from_output"}


def test_renaming_a_module_call_removes_the_old_addresses_and_changes_the_new(repo):
    root = _module_repo(repo)
    _write(root, {"main.tf": (root / "main.tf").read_text().replace('module "two"', 'module "second"')})
    collected = _diff(root)
    assert {r.address for r in collected.resources} == {"module.second.aws_sqs_queue.named",
                                                        "module.second.aws_sqs_queue.sized"}
    assert [r["address"] for r in collected.info["removed"]] == ["module.two.aws_sqs_queue.named",
                                                                 "module.two.aws_sqs_queue.sized"]


def test_every_for_each_instance_of_a_changed_module_is_changed(repo):
    root = repo({"main.tf": 'module "queues" {\n  source = "./q"\n  for_each = toset(["a", "b"])\n  name = each.key\n}\n',
                 "q/main.tf": 'variable "name" {}\nresource "aws_sqs_queue" "q" {\n  name = var.name\n}\n'
                              + _queues("static")})
    _write(root, {"q/main.tf": (root / "q/main.tf").read_text().replace("name = var.name", "name = upper(var.name)")})
    assert _changed(root) == {'module.queues["a"].aws_sqs_queue.q', 'module.queues["b"].aws_sqs_queue.q'}


def test_roots_with_the_same_addresses_are_told_apart(repo):
    root = repo({"envs/dev/main.tf": _queues("q"), "envs/prod/main.tf": _queues("q")})
    _write(root, {"envs/dev/main.tf": _queues("q", extra="\n  delay_seconds = 5")})
    assert {r.identity for r in _diff(root).resources} == {("envs/dev", "aws_sqs_queue.q")}
    _write(root, {"envs/prod/main.tf": None})
    assert _diff(root).info["removed"] == [{"address": "aws_sqs_queue.q", "type": "aws_sqs_queue",
                                            "root": "envs/prod", "file": "envs/prod/main.tf", "line": 1}]


def test_json_syntax_is_compared_by_content_too(repo):
    body = {"resource": {"aws_sqs_queue": {"a": {"name": "a"}, "b": {"name": "b"}}}}
    root = repo({"main.tf.json": json.dumps(body)})
    _write(root, {"main.tf.json": json.dumps(body, indent=4)})
    assert _changed(root) == set()
    body["resource"]["aws_sqs_queue"]["b"]["name"] = "b2"
    _write(root, {"main.tf.json": json.dumps(body)})
    assert _changed(root) == {"aws_sqs_queue.b"}


# --- removed, untracked, options -------------------------------------------------------------

def test_a_deleted_resource_is_listed_as_removed_not_as_a_finding(repo, capsys):
    root = repo({"main.tf": _queues("keep", "gone")})
    _write(root, {"main.tf": _queues("keep")})
    assert _changed(root) == set()
    assert _diff(root).info["removed"] == [{"address": "aws_sqs_queue.gone", "type": "aws_sqs_queue", "root": ".",
                                            "file": "main.tf", "line": 5}]
    assert main(["scan", str(root), "--diff-base", "main", "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["findings"] == [] and [r["address"] for r in doc["summary"]["scan"]["removed"]] == ["aws_sqs_queue.gone"]
    assert main(["scan", str(root), "--diff-base", "main"]) == 0
    assert "removed since main: 1 resource: aws_sqs_queue.gone" in capsys.readouterr().out


def test_a_var_for_a_variable_the_change_adds_leaves_removed_unknown_not_empty(repo):
    root = repo({"main.tf": _queues("a")})
    _write(root, {"new.tf": 'variable "x" {}\nresource "aws_sqs_queue" "b" {\n  name = var.x\n}\n'})
    _git(root, "add", "-A")
    collected = _diff(root, variables=["x=1"])  # the merge base declares no x: it cannot be scanned with it
    assert {r.address for r in collected.resources} == {"aws_sqs_queue.b"}
    assert collected.info["removed"] is None and collected.info["coverage_before_pct_usd"] is None


def test_an_untracked_file_counts_only_with_include_untracked(repo, capsys):
    root = repo({"main.tf": _queues("a")})
    _write(root, {"scratch.tf": _queues("local_experiment")})
    assert _changed(root) == set()
    assert _changed(root, include_untracked=True) == {"aws_sqs_queue.local_experiment"}
    assert main(["scan", str(root), "--diff-base", "main", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["scan", str(root), "--diff-base", "main", "--include-untracked", "-f", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert {f["resource"]["address"] for f in doc["findings"]} == {"aws_sqs_queue.local_experiment"}


def test_an_untracked_file_does_not_widen_a_tracked_change_in_its_directory(repo):
    root = repo({"main.tf": _queues("a", "b")})
    _write(root, {"scratch.tf": _queues("local_experiment"),
                  "main.tf": (root / "main.tf").read_text().replace('name = "b"', 'name = "b2"')})
    assert _changed(root) == {"aws_sqs_queue.b"}


@pytest.mark.parametrize("options", [["--jobs", "2"], ["--no-cache"], ["--cache-dir", "CACHE"],
                                     ["--cache-dir", "CACHE", "--jobs", "2"]])
def test_jobs_and_cache_give_the_same_diff(repo, capsys, tmp_path, options):
    root = _module_repo(repo)
    _write(root, {"main.tf": (root / "main.tf").read_text().replace('module "two"', 'module "second"'),
                  "net/main.tf": (root / "net/main.tf").read_text().replace('"fixed"', '"moved"')})

    def run(*extra: str) -> dict:
        extra = tuple(str(tmp_path / "cache") if e == "CACHE" else e for e in extra)
        main(["scan", str(root), "--diff-base", "main", "-f", "json", "--fail-on", "never", *extra])
        doc = json.loads(capsys.readouterr().out)
        return {"findings": doc["findings"], "scan": doc["summary"]["scan"]}

    reference = run("--no-cache", "--jobs", "1")
    assert {f["resource"]["address"] for f in reference["findings"]} >= {"aws_sqs_queue.from_output"}
    assert run(*options) == reference
    assert run(*options) == reference  # warm


def test_a_bad_ref_is_exit_2_naming_it(repo, capsys):
    root = repo({"main.tf": _queues("a")})
    assert main(["scan", str(root), "--diff-base", "origin/nowhere"]) == 2
    err = capsys.readouterr().err
    assert "--diff-base origin/nowhere" in err and "no commit named 'origin/nowhere'" in err


def test_outside_a_git_repository_is_exit_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "main.tf").write_text(_queues("a"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["scan", str(tmp_path), "--diff-base", "main"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err
