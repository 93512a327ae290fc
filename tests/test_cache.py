"""The parse cache: correct when files change, robust to corruption and concurrent runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.source import scan

TF = 'variable "team" {\n  default = "ml"\n}\n\nresource "aws_sqs_queue" "q" {\n  tags = { team = var.team }\n}\n'


def _tags(root: Path, cache_dir: Path) -> tuple[dict, ParseCache]:
    cache = ParseCache(cache_dir)
    result = scan([root], cwd=root, cache=cache)
    (resource,) = result.resources
    return resource.tags.known_dict(), cache


def test_edit_a_file_and_it_is_parsed_again(tmp_path):
    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    (root / "main.tf").write_text(TF)
    assert _tags(root, cache_dir)[0] == {"team": "ml"}
    tags, cache = _tags(root, cache_dir)
    assert tags == {"team": "ml"} and cache.hits >= 1 and cache.misses == 0 and cache.writes == 0
    (root / "main.tf").write_text(TF.replace('"ml"', '"data"'))
    tags, cache = _tags(root, cache_dir)
    parse_entries = {p.name for p in (cache_dir / "parse").rglob("*") if p.is_file()}
    assert tags == {"team": "data"} and cache.misses >= 1
    assert ParseCache(cache_dir).key("tf", (root / "main.tf").read_bytes()) in parse_entries  # parsed again


def test_edit_tfvars_and_the_module_is_evaluated_again(tmp_path):
    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    (root / "main.tf").write_text('provider "aws" {}\n' + TF)
    (root / "terraform.tfvars").write_text('team = "a"\n')
    assert _tags(root, cache_dir)[0] == {"team": "a"}
    (root / "terraform.tfvars").write_text('team = "b"\n')
    assert _tags(root, cache_dir)[0] == {"team": "b"}


def test_a_corrupt_entry_is_ignored_and_rewritten(tmp_path):
    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    (root / "main.tf").write_text(TF)
    _tags(root, cache_dir)
    entries = [p for p in (cache_dir / "parse").rglob("*") if p.is_file()]
    assert len(entries) == 3  # the file's parse, the directory's summary, the evaluated root
    for entry in entries:
        entry.write_bytes(b"\x00garbage")
    tags, cache = _tags(root, cache_dir)
    assert tags == {"team": "ml"} and cache.writes == 3
    tags, cache = _tags(root, cache_dir)
    assert cache.misses == 0 and cache.writes == 0


def test_parse_errors_are_cached_with_their_line(tmp_path):
    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    (root / "bad.tf").write_text('resource "aws_sqs_queue" "q" {\n  tags = {\n')
    for _ in range(2):
        result = scan([root], cwd=root, cache=ParseCache(cache_dir))
        (problem,) = result.problems
        assert problem.rule == "TC001" and problem.location.file == "bad.tf" and problem.location.line == 3


def test_cache_is_bounded(tmp_path):
    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    for i in range(30):  # thirty roots: entries of similar sizes
        (root / f"r{i}").mkdir()
        (root / f"r{i}" / "main.tf").write_text(
            f'resource "aws_sqs_queue" "q{i}" {{\n  tags = {{ n = "{"x" * 400}" }}\n}}\n')

    def size(directory: Path) -> int:
        return sum(p.stat().st_size for p in (directory / "parse").rglob("*") if p.is_file())

    scan([root], cwd=root, cache=ParseCache(tmp_path / "unbounded"))
    limit = size(tmp_path / "unbounded") // 2
    scan([root], cwd=root, cache=ParseCache(cache_dir, max_bytes=limit))
    assert 0 < size(cache_dir) <= limit


def test_two_concurrent_runs_are_both_correct(tmp_path):
    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    for i in range(40):
        (root / f"f{i}.tf").write_text(f'resource "aws_sqs_queue" "q{i}" {{\n  tags = {{ team = "t{i}" }}\n}}\n')
    cmd = [sys.executable, "-m", "tagcheck", "scan", str(root), "--cache-dir", str(cache_dir), "-f", "json",
           "--fail-on", "never", "--jobs", "2"]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [json.loads(p.communicate(timeout=300)[0]) for p in runs]
    assert all(p.returncode == 0 for p in runs)
    assert all(o["summary"]["resources"] == 40 for o in outputs)
    assert outputs[0]["findings"] == outputs[1]["findings"] == outputs[2]["findings"]


def test_parallel_parse_gives_the_same_result_in_the_same_order(tmp_path):
    root = tmp_path / "tf"
    root.mkdir()
    for i in range(60):
        (root / f"f{i:02}.tf").write_text(f'resource "aws_sqs_queue" "q{i}" {{\n  tags = {{ team = "t{i}" }}\n}}\n')
    one = scan([root], cwd=root, jobs=1)
    two = scan([root], cwd=root, jobs=2)
    assert [r.address for r in one.resources] == [r.address for r in two.resources]
    assert [r.tags for r in one.resources] == [r.tags for r in two.resources]


def test_a_warm_run_imports_neither_the_parser_nor_the_schema_validator_nor_the_evaluator(tmp_path):
    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    (root / "main.tf").write_text(TF)
    (root / ".tagcheck.yaml").write_text("version: 1\ntags:\n  required: [team]\n")
    code = ("import sys, contextlib, io\nfrom tagcheck.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main(['scan', {str(root)!r}, '--cache-dir', {str(cache_dir)!r}])\n"
            "print(*[m in sys.modules for m in ('hcl2', 'lark', 'jsonschema', 'yaml', 'importlib.metadata', "
            "'boto3', 'tagcheck.sources.terraform.evaluate', 'tagcheck.sources.terraform.evaluator', "
            "'importlib.resources')])")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    assert runs[0][:4] == ["True", "True", "True", "True"] and runs[0][5] == "False"
    assert runs[0][6:8] == ["True", "True"]  # cold: the root is evaluated here (one root: no worker)
    # warm: parse, policy YAML and its validation, evaluated roots all come from the cache
    assert runs[1] == ["False"] * 9


def test_installed_versions_are_what_importlib_metadata_reports():
    from importlib.metadata import version

    from tagcheck.sources.terraform.cache import installed_version

    assert installed_version("hcl2", "python-hcl2") == version("python-hcl2")
    assert installed_version("lark", "lark") == version("lark")
    assert installed_version("no_such_module_here", "no-such-dist") == "unknown"


def test_an_edited_policy_is_validated_again(tmp_path, capsys):
    from tagcheck.cli import main

    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    (root / "main.tf").write_text(TF)
    (root / ".tagcheck.yaml").write_text("version: 1\ntags:\n  required: [team]\n")
    assert main(["scan", str(root), "--cache-dir", str(cache_dir)]) == 0
    (root / ".tagcheck.yaml").write_text("version: 1\ntags:\n  requird: [team]\n")
    assert main(["scan", str(root), "--cache-dir", str(cache_dir)]) == 2
    assert "requird" in capsys.readouterr().err


def test_parsing_into_the_cache_in_a_worker_gives_the_same_result(tmp_path):
    from tagcheck.sources.terraform.loader import MIN_FILES_FOR_ONE_WORKER

    root = tmp_path / "tf"
    root.mkdir()
    for i in range(MIN_FILES_FOR_ONE_WORKER + 6):
        (root / f"f{i:02}.tf").write_text(f'resource "aws_sqs_queue" "q{i}" {{\n  tags = {{ team = "t{i}" }}\n}}\n')
    (root / "broken.tf").write_text('resource "aws_sqs_queue" "x" {\n')
    here = scan([root], cwd=root, jobs=1)
    for jobs in (1, 2):  # --jobs 1 with a cache parses in one worker process, which writes the cache
        cache = ParseCache(tmp_path / f"cache{jobs}")
        there = scan([root], cwd=root, cache=cache, jobs=jobs)
        assert there.resources == here.resources and there.problems == here.problems
        assert len(list((tmp_path / f"cache{jobs}" / "parse").rglob("*"))) > MIN_FILES_FOR_ONE_WORKER


def test_with_workers_the_main_process_never_loads_the_parser(tmp_path):
    from tagcheck.sources.terraform.source import MIN_FILES_FOR_WORKERS

    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    (root / "main.tf").write_text('provider "aws" {}\n' + TF)
    (root / "terraform.tfvars").write_text('team = "data"\n')  # tfvars are parsed by the workers too
    for i in range(MIN_FILES_FOR_WORKERS):
        (root / f"f{i:02}.tf").write_text(f'resource "aws_sqs_queue" "q{i}" {{\n  tags = {{ team = "t{i}" }}\n}}\n')
    code = ("import sys\nfrom pathlib import Path\nfrom tagcheck.sources.terraform.cache import ParseCache\n"
            "from tagcheck.sources.terraform.source import scan\n"
            f"result = scan([Path({str(root)!r})], cache=ParseCache(Path({str(cache_dir)!r})), jobs=2)\n"
            "print(len(result.resources), sorted({r.tags.known_dict()['team'] for r in result.resources})[:1],"
            " 'hcl2' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(MIN_FILES_FOR_WORKERS + 1), "['data']", "False"]
