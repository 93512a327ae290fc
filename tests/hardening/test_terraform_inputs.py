"""Broken and odd Terraform (issue #8): every input below gives a clear finding with the
file (and the line where there is one), the other files are still checked, and no
traceback reaches the user. Through ``tagcheck.cli.main`` (exit status, output) and the
source API (``scan``).
"""

from __future__ import annotations

import json
import os
import textwrap
import time
from pathlib import Path

import pytest

from tagcheck import engine
from tagcheck.cli import main
from tagcheck.policy import load_policy
from tagcheck.sources.terraform import source as source_module
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.source import DEFAULT_MAX_FILE_BYTES, MAX_FILE_ENV, scan
from tagcheck.sources.terraform.syntax import MAX_NESTING

POLICY = "version: 1\ntags:\n  required: [team]\n"
GOOD = textwrap.dedent("""\
    provider "aws" {
      region = "us-east-1"
    }

    resource "aws_s3_bucket" "good" {
      bucket = "good"
    }
""")


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A module with one good file (one resource missing `team`) and the policy; cwd is it."""
    (tmp_path / ".tagcheck.yaml").write_text(POLICY)
    (tmp_path / "good.tf").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(MAX_FILE_ENV, raising=False)
    return tmp_path


def cli(capsys, *argv: str) -> tuple[int, list[dict], str]:
    status = main(["scan", ".", "--no-cache", "--format", "json", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    findings = json.loads(out)["findings"] if out.strip() else []
    return status, findings, err


def compact(findings: list[dict], rule_prefix: str = "TC") -> list[tuple]:
    return sorted((f["rule"], f["location"]["file"], f["location"]["line"], f["message"])
                  for f in findings if f["rule"].startswith(rule_prefix))


def assert_good_still_checked(findings: list[dict]) -> None:
    assert any(f["rule"] == "TAG001" and f["resource"]["address"] == "aws_s3_bucket.good" for f in findings)


def api_scan(directory: Path, **kw):
    return scan([directory], cwd=directory, cache=ParseCache(None), **kw)


# --- files that cannot be parsed ------------------------------------------------------------

BROKEN = {
    "syntax-error": ('resource "aws_s3_bucket" "x" {\n  tags = {\n    team = "a"\n    = "oops"\n  }\n}\n',
                     4, "syntax error"),
    "truncated": (GOOD.replace("good", "cut")[:70], 5, "unexpected end of file"),
    "unclosed-string": ('resource "aws_s3_bucket" "x" {\n  bucket = "abc\n}\n', 2, "syntax error"),
    "binary": (bytes(range(256)) * 4, 2, "not valid UTF-8"),  # 0x0a, then 0x80 on line 2
    "latin-1": ('resource "aws_s3_bucket" "x" {\n  tags = { team = "caf\xe9" }\n}\n'.encode("latin-1"), 2,
                "not valid UTF-8"),
    "utf-16": (GOOD.replace("good", "wide").encode("utf-16"), 1, "not valid UTF-8"),
    "lone-surrogate": (b'locals {\n  a = "\xed\xa0\x80"\n}\n', 2, "not valid UTF-8"),
    "nul-byte": (b'resource "aws_s3_bucket" "x" {\x00}\n', 1, "syntax error"),
    "2000-parentheses": ("locals {\n  x = " + "(" * 2000 + "1" + ")" * 2000 + "\n}\n", 2,
                         f"nested more than {MAX_NESTING} levels deep"),
    "500-nested-maps": ("locals {\n  x = " + "{a = " * 500 + "1" + "}" * 500 + "\n}\n", 2,
                        f"nested more than {MAX_NESTING} levels deep"),
    "300-nested-blocks": ("".join("  " * i + "b {\n" for i in range(300)) + "}\n" * 300, MAX_NESTING + 1,
                          f"nested more than {MAX_NESTING} levels deep"),
    "5000-term-sum": ("locals {\n  x = 1" + " + 1" * 5000 + "\n}\n", 2, f"nested more than {MAX_NESTING} levels deep"),
    "deep-json": ('{"locals": {"x": ' + "[" * 5000 + "]" * 5000 + "}}", 1, "nested too deeply"),
    "json-wrong-type": ('{\n  "resource": {\n    "aws_s3_bucket": "oops"\n  }\n}\n', 3,
                        "resource.aws_s3_bucket: expected an object of block labels, got a string"),
    "json-not-object": ("[1, 2]", 1, "must hold a JSON object"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_is_tc001_with_file_and_line_and_the_rest_is_checked(project, capsys, name):
    content, line, fragment = BROKEN[name]
    filename = f"{name}.tf.json" if name.startswith(("deep-json", "json-")) else f"{name}.tf"
    path = project / filename
    path.write_bytes(content if isinstance(content, bytes) else content.encode())

    status, findings, _ = cli(capsys)

    tc = [f for f in findings if f["rule"].startswith("TC")]
    assert [(f["rule"], f["location"]["file"], f["location"]["line"]) for f in tc] == [("TC001", filename, line)]
    assert fragment in tc[0]["message"]
    assert_good_still_checked(findings)
    assert status == 1


def test_empty_and_comment_only_files_are_fine(project, capsys):
    (project / "empty.tf").write_text("")
    (project / "comments.tf").write_text("# nothing here\n// nor here\n/* at all */\n")
    (project / "blank.tf.json").write_text("{}")
    status, findings, _ = cli(capsys)
    assert compact(findings) == []
    assert_good_still_checked(findings)


def test_byte_order_mark_and_crlf_are_read(project, capsys):
    (project / "good.tf").write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    status, findings, _ = cli(capsys)
    assert compact(findings) == []
    assert_good_still_checked(findings)
    assert [f["location"]["line"] for f in findings if f["rule"] == "TAG001"] == [5]


def test_a_huge_number_literal_is_unknown_not_a_crash(project):
    (project / "num.tf").write_text('resource "aws_sqs_queue" "q" {\n  tags = { team = ' + "9" * 5000 + " }\n}\n")
    scanned = api_scan(project)
    queue = next(r for r in scanned.resources if r.address == "aws_sqs_queue.q")
    assert queue.tags.values["team"].unknown_reason == "a number literal of 5000 digits is not evaluated"
    assert scanned.problems == []


@pytest.mark.parametrize("escape, value", [("\\uD800", "\ufffd"), ("\\U0011FFFF", "\ufffd"), ("\\u00e9", "é"),
                                           ("\\U0001F600", "\U0001f600")])
def test_escapes_that_name_no_character_become_the_replacement_character(project, escape, value):
    (project / "esc.tf").write_text(f'resource "aws_sqs_queue" "q" {{\n  tags = {{ team = "x{escape}" }}\n}}\n')
    queue = next(r for r in api_scan(project).resources if r.address == "aws_sqs_queue.q")
    assert queue.tags.values["team"].value == f"x{value}"


# --- size ------------------------------------------------------------------------------------

def _generated(megabytes: float) -> str:
    block = 'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "bucket-{i}"\n  tags = {{ team = "ml" }}\n}}\n\n'
    parts, size, i = [], 0, 0
    while size < megabytes * 1024 * 1024:
        parts.append(block.format(i=i))
        size += len(parts[-1])
        i += 1
    return "".join(parts)


def test_a_20_mb_generated_file_is_tc001_too_large_and_the_run_finishes(project, capsys):
    """python-hcl2 needs ~5 s and ~250 MB per MB of HCL (see source.py): 20 MB would take
    minutes and gigabytes, so it is refused by size before parsing."""
    (project / "generated.tf").write_text(_generated(20))
    started = time.monotonic()
    status, findings, _ = cli(capsys)
    elapsed = time.monotonic() - started
    assert compact(findings) == [("TC001", "generated.tf", None,
                                  "file too large to parse (20.0 MB > limit 2.0 MB); "
                                  f"raise the limit with --max-file-size MB (or {MAX_FILE_ENV})")]
    assert_good_still_checked(findings)
    assert status == 1
    print(f"20 MB file refused in {elapsed:.2f} s")  # informational, not a timed assertion


def test_the_size_limit_is_configurable(project, capsys, monkeypatch):
    (project / "generated.tf").write_text(_generated(0.05))  # ~50 KB
    assert api_scan(project).problems == []  # the default limit is far above
    problems = api_scan(project, max_file_bytes=10_000).problems
    assert [(p.rule, p.location.file) for p in problems] == [("TC001", "generated.tf")]
    assert "limit 0.0 MB" in problems[0].message
    assert api_scan(project, max_file_bytes=0).problems == []  # 0: no limit

    monkeypatch.setenv(MAX_FILE_ENV, "0.01")
    status, findings, _ = cli(capsys)
    assert [f["location"]["file"] for f in findings if f["rule"] == "TC001"] == ["generated.tf"]
    monkeypatch.setenv(MAX_FILE_ENV, "lots")
    status, _, err = cli(capsys)
    assert status == 2 and "--max-file-size" in err and "lots" in err


def test_the_default_limit_is_documented_in_the_source():
    assert DEFAULT_MAX_FILE_BYTES == 2 * 1024 * 1024
    assert "file too large to parse" in source_module.__doc__ or "size limit" in source_module.__doc__


def test_a_tfvars_file_over_the_limit_is_tc001(project):
    (project / "vars.tf").write_text('variable "team" {\n  default = "x"\n}\n')
    (project / "terraform.tfvars").write_text('team = "' + "a" * 20_000 + '"\n')
    problems = api_scan(project, max_file_bytes=10_000).problems
    assert [(p.rule, p.location.file) for p in problems] == [("TC001", "terraform.tfvars")]
    assert "variables file too large to parse" in problems[0].message


# --- cycles ----------------------------------------------------------------------------------

def test_cyclic_locals_are_tc001_naming_the_cycle_and_tag005_where_used(project, capsys):
    (project / "locals.tf").write_text(textwrap.dedent("""\
        locals {
          a = local.b
          b = merge(local.c, {})
          c = local.a
          self = local.self
          fine = "ok"
        }

        resource "aws_sqs_queue" "q" {
          tags = local.a
        }
    """))
    status, findings, _ = cli(capsys)
    assert compact(findings) == [
        ("TC001", "locals.tf", 2, "cycle in locals: local.a → local.b → local.c → local.a; none of them can be evaluated"),
        ("TC001", "locals.tf", 5, "cycle in locals: local.self → local.self; none of them can be evaluated"),
    ]
    tag005 = next(f for f in findings if f["rule"] == "TAG005")
    assert tag005["resource"]["address"] == "aws_sqs_queue.q"
    assert "cycle in locals: local.a → local.b → local.c → local.a" in tag005["message"]
    assert_good_still_checked(findings)


def test_variables_whose_defaults_refer_to_each_other(project, capsys):
    (project / "vars.tf").write_text(textwrap.dedent("""\
        variable "a" {
          default = var.b
        }
        variable "b" {
          default = { team = var.a }
        }
        variable "c" {
          default = local.x
        }
        resource "aws_sqs_queue" "q" {
          tags = var.b
        }
    """))
    status, findings, _ = cli(capsys)
    assert compact(findings) == [
        ("TC001", "vars.tf", 2, 'variable "a": default refers to var.b (cycle: var.a → var.b → var.a); '
                                "Terraform allows only constant values in a default, so it is not evaluated"),
        ("TC001", "vars.tf", 5, 'variable "b": default refers to var.a (cycle: var.a → var.b → var.a); '
                                "Terraform allows only constant values in a default, so it is not evaluated"),
        ("TC001", "vars.tf", 8, 'variable "c": default refers to local.x; '
                                "Terraform allows only constant values in a default, so it is not evaluated"),
    ]
    tag005 = next(f for f in findings if f["rule"] == "TAG005")
    assert "the default of var.b refers to var.a" in tag005["message"]


def test_module_sources_that_loop_name_the_chain(project, capsys):
    (project / "main.tf").write_text('module "a" {\n  source = "./a"\n}\n')
    (project / "a").mkdir()
    (project / "a" / "main.tf").write_text('module "b" {\n  source = "../b"\n}\n')
    (project / "b").mkdir()
    (project / "b" / "main.tf").write_text(
        'module "a" {\n  source = "../a"\n}\nresource "aws_sqs_queue" "inner" {\n}\n')
    status, findings, _ = cli(capsys)
    assert compact(findings) == [
        ("TC001", "b/main.tf", 1, "module.a: source '../a' loops back to a module being evaluated "
                                  "(module cycle: a → b → a); not followed")]
    addresses = {f["resource"]["address"] for f in findings if f.get("resource")}
    assert "module.a.module.b.aws_sqs_queue.inner" in addresses
    assert_good_still_checked(findings)


def test_a_module_that_is_its_own_source_is_reported_not_skipped(project, capsys):
    (project / "self.tf").write_text('module "me" {\n  source = "./"\n}\n')
    status, findings, _ = cli(capsys)
    assert compact(findings) == [("TC001", "self.tf", 1, "module.me: source './' loops back to a module being "
                                                         "evaluated (module cycle: . → .); not followed")]
    assert_good_still_checked(findings)


def test_directories_that_only_call_each_other_are_still_evaluated(tmp_path):
    for this, other in (("a", "b"), ("b", "a")):
        (tmp_path / this).mkdir()
        (tmp_path / this / "main.tf").write_text(f'module "{other}" {{\n  source = "../{other}"\n}}\n')
    scanned = api_scan(tmp_path)
    assert [(p.rule, p.location.file, p.location.line) for p in scanned.problems] == [("TC001", "b/main.tf", 1)]


def test_module_calls_nested_too_deeply(tmp_path):
    for i in range(40):
        (tmp_path / f"m{i}").mkdir()
        (tmp_path / f"m{i}" / "main.tf").write_text(f'module "next" {{\n  source = "../m{i + 1}"\n}}\n')
    (tmp_path / "m40").mkdir()
    (tmp_path / "m40" / "main.tf").write_text('resource "aws_sqs_queue" "q" {}\n')
    problems = api_scan(tmp_path).problems
    assert len(problems) == 1 and "module calls nest more than 32 deep" in problems[0].message


# --- module sources that lead nowhere usable -------------------------------------------------

def test_a_module_source_outside_the_repository_is_not_followed(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "main.tf").write_text('module "shared" {\n  source = "../shared"\n}\n')
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "main.tf").write_text('resource "aws_sqs_queue" "outside" {}\n')
    monkeypatch.chdir(repo)
    scanned = scan([repo], cwd=repo, cache=ParseCache(None))
    assert [r.address for r in scanned.resources] == []
    assert [(p.rule, p.location.file, p.location.line) for p in scanned.problems] == [("TC003", "main.tf", 1)]
    assert "outside the repository" in scanned.problems[0].message

    # without a repository there is no boundary: followed, as Terraform does
    (repo / ".git").rmdir()
    scanned = scan([repo], cwd=repo, cache=ParseCache(None))
    assert [r.address for r in scanned.resources] == ["module.shared.aws_sqs_queue.outside"]


@pytest.mark.parametrize("source, fragment", [
    ("./\\u0000x", "embedded null byte"),
    ("./" + "x" * 5000, "File name too long"),
])
def test_unusable_module_sources_are_tc001(project, capsys, source, fragment):
    (project / "mod.tf").write_text(f'module "m" {{\n  source = "{source}"\n}}\n')
    status, findings, _ = cli(capsys)
    tc = compact(findings)
    assert [(r, f, line) for r, f, line, _ in tc] == [("TC001", "mod.tf", 1)] and fragment in tc[0][3]
    assert_good_still_checked(findings)


def test_a_missing_local_module_directory_is_tc004_not_a_parse_error(project, capsys):
    (project / "mod.tf").write_text('module "m" {\n  source = "./nowhere"\n}\n')
    status, findings, _ = cli(capsys)
    tc = compact(findings)
    assert [(r, f, line) for r, f, line, _ in tc] == [("TC004", "mod.tf", 1)]
    assert "local source directory './nowhere' does not exist" in tc[0][3]
    assert "not scanned" in tc[0][3]
    assert_good_still_checked(findings)


# --- the file system -------------------------------------------------------------------------

def test_symlink_loops_in_the_tree(project, capsys):
    (project / "loop").symlink_to(project, target_is_directory=True)  # a directory loop: not walked into
    (project / "sub").mkdir()
    (project / "sub" / "back").symlink_to(project / "sub", target_is_directory=True)
    (project / "one.tf").symlink_to(project / "two.tf")  # a file loop
    (project / "two.tf").symlink_to(project / "one.tf")
    (project / "gone.tf").symlink_to(project / "missing.tf")  # dangling
    status, findings, _ = cli(capsys)
    tc = compact(findings)
    assert [(r, f) for r, f, _, _ in tc] == [("TC001", "gone.tf"), ("TC001", "one.tf"), ("TC001", "two.tf")]
    assert "No such file or directory (a symbolic link to" in tc[0][3]
    assert "Too many levels of symbolic links" in tc[1][3]
    assert [f["resource"]["address"] for f in findings if f["rule"] == "TAG001"] == ["aws_s3_bucket.good"]


def test_special_files_with_a_terraform_name_are_not_read(project, capsys):
    os.mkfifo(project / "pipe.tf")  # reading it would block forever
    if Path("/dev/zero").exists():
        (project / "zero.tf").symlink_to("/dev/zero")  # reading it would never end
    status, findings, _ = cli(capsys)
    assert compact(findings) == []
    assert_good_still_checked(findings)


def test_an_unreadable_file_is_tc001(project, capsys, monkeypatch):
    secret = project / "secret.tf"
    secret.write_text(GOOD.replace("good", "secret"))
    if os.geteuid() != 0:
        secret.chmod(0)
    else:  # root reads through chmod 000: make the read fail as it would for a user
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == "secret.tf":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    try:
        status, findings, _ = cli(capsys)
    finally:
        secret.chmod(0o644)
    assert compact(findings) == [("TC001", "secret.tf", None, "cannot read file: Permission denied")]
    assert_good_still_checked(findings)


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists directories whatever their mode; "
                                               "test_an_unlistable_directory_is_tc001_simulated covers it")
def test_an_unlistable_directory_is_tc001(project, capsys):
    locked = project / "locked"
    locked.mkdir()
    (locked / "main.tf").write_text(GOOD)
    locked.chmod(0)
    try:
        status, findings, _ = cli(capsys)
    finally:
        locked.chmod(0o755)
    assert [(r, f) for r, f, _, _ in compact(findings)] == [("TC001", "locked")]


def test_an_unlistable_directory_is_tc001_simulated(project, capsys, monkeypatch):
    locked = project / "locked"
    locked.mkdir()
    (locked / "main.tf").write_text(GOOD)
    real_scandir, real_listdir = os.scandir, os.listdir

    def deny(real):
        def fake(path="."):
            if Path(path).name == "locked":
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)
        return fake

    monkeypatch.setattr(os, "scandir", deny(real_scandir))
    monkeypatch.setattr(os, "listdir", deny(real_listdir))
    status, findings, _ = cli(capsys)
    assert compact(findings) == [("TC001", "locked", None, "cannot list directory: Permission denied")]
    assert_good_still_checked(findings)


# --- odd but parseable configurations --------------------------------------------------------

def test_blocks_with_the_wrong_number_of_labels(project, capsys):
    (project / "labels.tf").write_text('resource "aws_sqs_queue" {\n}\nmodule {\n  source = "./x"\n}\n'
                                       'variable {\n}\n')
    status, findings, _ = cli(capsys)
    assert compact(findings) == [
        ("TC001", "labels.tf", 1, "resource block needs 2 labels (a type and a name), has 1; it is not evaluated"),
        ("TC001", "labels.tf", 3, "module block needs 1 label (a name), has 0; it is not evaluated"),
        ("TC001", "labels.tf", 6, "variable block needs 1 label (a name), has 0; it is not evaluated"),
    ]


@pytest.mark.parametrize("count, reason", [
    ("1e9", "count of aws_sqs_queue.q is 1000000000 (more than 10000 instances are not expanded)"),
    ("1e999", "count of aws_sqs_queue.q is not a whole number (inf)"),
    ("1.5", "count of aws_sqs_queue.q is not a whole number (1.5)"),
    ('"many"', "count of aws_sqs_queue.q is not a number"),
])
def test_counts_that_cannot_be_expanded(project, count, reason):
    (project / "count.tf").write_text(f'resource "aws_sqs_queue" "q" {{\n  count = {count}\n'
                                      '  tags = { team = "t${count.index}" }\n}\n')
    queue = next(r for r in api_scan(project).resources if r.type == "aws_sqs_queue")
    assert queue.address == "aws_sqs_queue.q[*]"
    assert queue.tags.values["team"].unknown_reason == reason


@pytest.mark.parametrize("body, reason", [
    ('tag = "team=ml"', "a tag is a str, not a tag { key value } block"),
    ('tag {\n    key = ["team"]\n    value = "ml"\n    propagate_at_launch = true\n  }',
     "a tag block's key is a list, not a string"),
    ('dynamic "tag" {\n    for_each = 5\n    content {\n      key = "team"\n      value = "x"\n'
     '      propagate_at_launch = true\n    }\n  }', 'dynamic "tag": for_each is a int, not a collection'),
])
def test_asg_tag_blocks_of_the_wrong_shape_are_unknown(project, body, reason):
    (project / "asg.tf").write_text(f'resource "aws_autoscaling_group" "g" {{\n  max_size = 1\n  min_size = 0\n'
                                    f'  {body}\n}}\n')
    group = next(r for r in api_scan(project).resources if r.type == "aws_autoscaling_group")
    assert group.tags.complete is False and group.tags.unknown_reason == reason


def test_for_each_over_a_list_of_maps_is_unknown(project):
    (project / "each.tf").write_text('resource "aws_sqs_queue" "q" {\n  for_each = [{ a = 1 }]\n'
                                     '  tags = { team = each.key }\n}\n')
    queue = next(r for r in api_scan(project).resources if r.type == "aws_sqs_queue")
    assert queue.tags.values["team"].unknown_reason == "for_each of aws_sqs_queue.q must be a map or a set of strings"


# --- internal errors -------------------------------------------------------------------------

def test_a_parser_bug_is_tc000_with_a_hint_and_the_rest_is_checked(project, capsys, monkeypatch):
    from tagcheck.sources.terraform import parser

    real = parser.parse_file

    def buggy(path, text):
        if path.name == "bad.tf":
            raise KeyError("boom")
        return real(path, text)

    monkeypatch.setattr(parser, "parse_file", buggy)
    (project / "bad.tf").write_text(GOOD.replace("good", "bad"))
    status, findings, err = cli(capsys)
    tc = compact(findings)
    assert [(r, f) for r, f, _, _ in tc] == [("TC000", "bad.tf")]
    assert "internal error parsing the file: KeyError: 'boom'" in tc[0][3] and "please report" in tc[0][3]
    assert_good_still_checked(findings)
    assert status == 1


def test_an_evaluation_bug_is_tc000_and_other_roots_are_checked(tmp_path, monkeypatch):
    from tagcheck.sources.terraform.evaluator import ModuleEvaluator

    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(f'resource "aws_sqs_queue" "{name}" {{}}\n')
    real = ModuleEvaluator._resources

    def buggy(self, parsed, block, *args):
        if block.labels[1] == "one":
            raise ZeroDivisionError("evaluation bug")
        return real(self, parsed, block, *args)

    monkeypatch.setattr(ModuleEvaluator, "_resources", buggy)
    scanned = api_scan(tmp_path)
    assert [r.address for r in scanned.resources] == ["aws_sqs_queue.two"]
    # located at the block that could not be evaluated, not only at its root
    assert [(p.rule, p.location.file, p.location.line) for p in scanned.problems] == [("TC000", "one/main.tf", 1)]
    assert "internal error evaluating aws_sqs_queue.one: ZeroDivisionError: evaluation bug" in scanned.problems[0].message
    result = engine.run(scanned.resources, scanned.problems, load_policy(None, start=tmp_path))
    assert any(f.rule == "TC000" for f in result.findings)


def test_worker_processes_that_cannot_start_fall_back_to_this_process(tmp_path, monkeypatch):
    import concurrent.futures

    for i in range(source_module.MIN_FILES_FOR_WORKERS + 2):
        (tmp_path / f"f{i}.tf").write_text(f'resource "aws_sqs_queue" "q{i}" {{}}\n')

    class NoProcesses:
        def __init__(self, *a, **k):
            raise OSError(38, "Function not implemented")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoProcesses)
    scanned = api_scan(tmp_path, jobs=4)
    assert len(scanned.resources) == source_module.MIN_FILES_FOR_WORKERS + 2 and scanned.problems == []


def test_a_module_listed_before_its_caller_is_not_taken_for_a_root(tmp_path):
    """Directory order must not matter: a/ is called by b/, and only b/ is a root."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text('variable "tags" {}\nresource "aws_sqs_queue" "q" {\n  tags = var.tags\n}\n')
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "main.tf").write_text('provider "aws" {}\nmodule "a" {\n  source = "../a"\n'
                                            '  tags = { team = "x" }\n}\n')
    scanned = api_scan(tmp_path)
    assert [r.address for r in scanned.resources] == ["module.a.aws_sqs_queue.q"]
    assert [p.name for p in scanned.roots] == ["b"]


def test_a_json_variable_default_is_literal(tmp_path):
    """In .tf.json a variable's default is a JSON value, not a template: "${var.b}" is text,
    so it is neither evaluated nor reported as a reference."""
    (tmp_path / "main.tf.json").write_text(json.dumps({
        "variable": {"team": {"default": "${var.other}", "type": "string"},
                     "tags": {"type": "object({owner = optional(string, \"ops\")})", "default": {}}},
        "provider": {"aws": {}},
        "resource": {"aws_sqs_queue": {"q": {"tags": {"team": "${var.team}", "owner": "${var.tags.owner}"}}}},
    }))
    scanned = api_scan(tmp_path)
    assert scanned.problems == []
    assert scanned.resources[0].tags.known_dict() == {"team": "${var.other}", "owner": "ops"}


def test_a_long_chain_of_locals_is_unknown_not_a_recursion_error(project):
    chain = "".join(f"  l{i} = {{ team = local.l{i + 1}.team }}\n" for i in range(400))
    (project / "chain.tf").write_text(f'locals {{\n{chain}  l400 = {{ team = "x" }}\n}}\n'
                                      'resource "aws_sqs_queue" "q" {\n  tags = local.l0\n}\n')
    scanned = api_scan(project)
    queue = next(r for r in scanned.resources if r.type == "aws_sqs_queue")
    assert queue.tags.unknown_reason == "expression or chain of references nested too deeply to evaluate"
    assert scanned.problems == []


def test_module_calls_that_feed_each_other_are_unknown_naming_the_chain(project):
    (project / "calls.tf").write_text(textwrap.dedent("""\
        module "a" {
          source = "./m"
          team   = module.b.team
        }
        module "b" {
          source = "./m"
          team   = module.a.team
        }
    """))
    (project / "m").mkdir()
    (project / "m" / "main.tf").write_text('variable "team" {}\noutput "team" {\n  value = var.team\n}\n'
                                           'resource "aws_sqs_queue" "q" {\n  tags = { team = var.team }\n}\n')
    scanned = api_scan(project)
    queue = next(r for r in scanned.resources if r.address == "module.a.aws_sqs_queue.q")
    assert queue.tags.values["team"].unknown_reason == "module calls depend on each other: module.a → module.b → module.a"
