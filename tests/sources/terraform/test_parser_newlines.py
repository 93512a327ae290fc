"""Newlines and comments as Terraform reads them (issue #12). Terraform ignores newlines
inside ( ), [ ], ${ } and a { for … } expression, and keeps them as separators in an object
constructor and a block body. python-hcl2's grammar allowed them only at some places, so
valid code from public repositories — ``{ for c in l : c\\n => c }`` first — was a TC001,
and it allowed them at others where Terraform rejects the file. Shapes written after that
code, not copied from it; what is valid or not was checked with ``terraform fmt``, and the
lines of the errors are the lines Terraform reports."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tagcheck.cli import main
from tagcheck.sources.terraform import parser
from tagcheck.sources.terraform.evaluate import Scope, evaluate_or_unknown
from tagcheck.sources.terraform.syntax import ParseError


def value(expression: str):
    [block] = parser.parse_file(Path("x.tf"), f"locals {{\n  x = {expression}\n  after = 1\n}}\n")
    assert set(block.attrs) == {"x", "after"}  # the newline after the expression still ends it
    return evaluate_or_unknown(block.attrs["x"][0], Scope())


@pytest.mark.parametrize("expression, expected", [
    # for expressions: a newline before "=>", around ":" and "if", before "..."
    ('{ for c in ["a", "b"] : c\n    => upper(c) }', {"a": "A", "b": "B"}),
    ('{\n    for c in ["a", "b"] :\n    c => c\n    if c != "b"\n  }', {"a": "a"}),
    ('{ for c in ["a", "b", "a"] : c\n    => 1\n    ...\n  }', {"a": [1, 1], "b": [1]}),
    ('{ for k, v in { x = 1 }\n    : k => v }', {"x": 1}),
    ('[for c in ["a", "b"]\n    : c\n    if c == "a"]', ["a"]),
    ('{ for key,\n    value in { x = 1 } : key => value }', {"x": 1}),  # after the "," of the names
    ('[for s in ["a"] : s # one comment\n  ]', ["a"]),
    # conditionals and operators in parentheses
    ('(true\n    ? "yes"\n    : "no")', "yes"),
    ('(true ?\n    "yes" :\n    "no")', "yes"),
    ('(5\n    - 2)', 3),
    ('(true\n    &&\n    false)', False),
    ('(!\n    false)', True),
    ('(-\n    1)', -1),
    # attribute access and splats continued in parentheses, splat markers with spaces
    ('({ a = { b = "c" } }\n    .a\n    .b)', "c"),
    ('({ a = "b" }.\n    a)', "b"),
    ('[{ id = 1 }, { id = 2 }][ * ].id', [1, 2]),
    ('([{ id = 1 }, { id = 2 }]\n    .*.id)', [1, 2]),
    ('[{ id = 1 }]. /* every */ *.id', [1]),
    # tuples and function calls
    ('[\n    "a"\n    , "b"\n  ]', ["a", "b"]),
    ('merge(\n    { a = 1 },\n    # a comment between arguments\n    { b = 2 }\n  )', {"a": 1, "b": 2}),
    ('merge({ a = 1 },\n    { b = 2 },\n  )', {"a": 1, "b": 2}),  # a trailing comma
    ('concat(\n    [["a"], ["b"]]\n    ...\n  )', ["a", "b"]),
    ('(upper\n    ("a"))', "A"),
    # inline comments are whitespace, wherever they are
    ('merge(/* defaults */ { a = 1 }, { b /* why */ = 2 })', {"a": 1, "b": 2}),
    ('/* shared */ { a = 1 }', {"a": 1}),
    ('{ a = 1 /* first */, b = 2 }', {"a": 1, "b": 2}),
    # interpolations
    ('"${\n    upper("a")\n  }-${lower(\n    "B")}"', "A-b"),
    # objects keep their separators, also inside brackets and for expressions
    ('[{\n    a = 1\n    b = 2\n  }]', [{"a": 1, "b": 2}]),
    ('{ for k, v in { a = { n = 1 } } : k => {\n      n = v.n\n      m = 2\n    } }', {"a": {"n": 1, "m": 2}}),
    ('{\n    a = 1,\n    b = 2\n  }', {"a": 1, "b": 2}),
])
def test_newlines_terraform_ignores(expression, expected):
    assert value(expression) == expected


def test_a_heredoc_interpolation_may_span_lines_and_holds_hcl_strings():
    # the shape of a cloud-init heredoc built with jsonencode over several lines; those lines
    # start inside ${…}, so `<<-` neither counts nor cuts their indentation (as Terraform)
    text = ('locals {\n  x = <<-EOT\n    #cloud-config\n    ${jsonencode({\n  path = "/etc/${"app"}.conf"\n'
            '  lines = join("\\n", ["a", "b"])\n})}\n    EOT\n}\n')
    [block] = parser.parse_file(Path("x.tf"), text)
    assert evaluate_or_unknown(block.attrs["x"][0], Scope()) == \
        '#cloud-config\n{"lines":"a\\nb","path":"/etc/app.conf"}\n'


def test_a_heredoc_keeps_its_least_indented_literal_line_and_escapes():
    text = 'locals {\n  x = <<-EOT\n    a\n  b ${"c"}\n\n      d $${e}\n    EOT\n}\n'
    [block] = parser.parse_file(Path("x.tf"), text)
    assert evaluate_or_unknown(block.attrs["x"][0], Scope()) == "  a\nb c\n\n    d ${e}\n"


def test_a_json_string_template_holds_hcl_strings():
    text = '{"locals": {"x": "${upper(\\"v-${\\"b\\"}\\")}\\"q\\""}}'
    [block] = parser.parse_file(Path("x.tf.json"), text)
    assert evaluate_or_unknown(block.attrs["x"][0], Scope()) == 'V-B"q"'


def test_block_bodies_and_object_constructors_still_separate_items_with_newlines():
    [block] = parser.parse_file(Path("x.tf"), 'resource "aws_sqs_queue" "q" {\n  tags = {\n    a = "1"\n'
                                              '    b = "2"\n  }\n  name = "q"\n  n = -1\n}\n')
    assert set(block.attrs) == {"tags", "name", "n"}
    assert evaluate_or_unknown(block.attrs["tags"][0], Scope()) == {"a": "1", "b": "2"}
    assert (block.line, block.end_line) == (1, 8)


def test_a_block_whose_first_attribute_is_named_for_is_a_body():
    [block] = parser.parse_file(Path("x.tf"), 'thing "x" {\n  for = 1\n  in = 2\n}\n')
    assert {k: v[0] for k, v in block.attrs.items()} == {"for": ("lit", 1), "in": ("lit", 2)}


# --- code Terraform rejects: still TC001, at the line Terraform names -----------------------

REJECTED = {
    "object element split before '='": ('locals {\n  m = {\n    a\n    = 1\n  }\n}\n', 3),
    "unclosed bracket": ('locals {\n  x = [1, 2\n}\n', 3),
    "unclosed parenthesis": ('locals {\n  x = (1\n}\n', 3),
    "tuple items without commas": ('locals {\n  l = [\n    "a"\n    "b"\n  ]\n}\n', 4),
    # a line continued outside brackets: hcl2's grammar and post-lexer took these
    "conditional continued in a body": ('locals {\n  size = local.env == "prod"\n    ? "large"\n    : "small"\n}\n', 3),
    "operator ending a line": ('locals {\n  ok = true ||\n    false\n}\n', 2),
    "operator starting a line": ('locals {\n  ok = true\n    && false\n}\n', 3),
    "minus starting a line": ('locals {\n  n = 5\n    - 2\n}\n', 3),
    "value on the next line": ('locals {\n  n =\n    5\n}\n', 2),
    "object value on the next line": ('locals {\n  m = {\n    a =\n      1\n  }\n}\n', 3),
    "comma starting an object line": ('locals {\n  m = {\n    a = 1\n    , b = 2\n  }\n}\n', 4),
    "block brace on the next line": ('resource "aws_s3_bucket" "b"\n{\n  bucket = "b"\n}\n', 1),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_code_terraform_rejects_is_a_parse_error_at_its_line(name):
    text, line = REJECTED[name]
    with pytest.raises(ParseError) as raised:
        parser.parse_file(Path("x.tf"), text)
    assert raised.value.line == line
    assert "\n" not in raised.value.message  # a newline token is named, not printed


# --- end to end: the tags are evaluated, the broken file is TC001 and the rest is checked ------

def test_scan_evaluates_tags_written_across_lines_and_reports_only_the_invalid_file(tmp_path, capsys):
    (tmp_path / ".tagcheck.yaml").write_text("version: 1\ntags:\n  required: [team, environment, cost-center]\n")
    (tmp_path / "main.tf").write_text(textwrap.dedent("""\
        provider "aws" { region = "eu-west-1" }
        variable "production" { default = true }
        locals {
          base = { team = "payments", cost-center = "cc-7" }
          tags = merge(
            { for key, value in local.base : key
              => value
              if value != ""
            },
            (var.production
              ? { environment = "prod" }
              : { environment = "dev" }),
          )
        }
        resource "aws_sqs_queue" "tagged" {
          tags = local.tags
        }
        resource "aws_sqs_queue" "untagged" {
          tags = /* none yet */ {}
        }
    """))
    (tmp_path / "broken.tf").write_text('locals {\n  flag = true\n    || false\n}\n')
    status = main(["scan", str(tmp_path), "--format", "json", "--fail-on", "never", "--no-cache"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and status == 0
    findings = json.loads(out)["findings"]
    tc = [(f["rule"], Path(f["location"]["file"]).name, f["location"]["line"]) for f in findings
          if f["rule"].startswith("TC")]
    assert tc == [("TC001", "broken.tf", 3)]
    missing = {(f["resource"]["address"], f["details"].get("key")) for f in findings if f["rule"] == "TAG001"}
    assert {address for address, _ in missing} == {"aws_sqs_queue.untagged"}
    assert not [f for f in findings if f["rule"] == "TAG005"]


# --- the grammar tables ---------------------------------------------------------------------

def test_every_grammar_patch_applies_to_this_hcl2():
    grammar = parser._grammar()
    for old, new in parser._GRAMMAR_PATCHES:
        assert old not in grammar and new in grammar


def test_the_table_cache_file_changes_with_the_grammar(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    patched = parser._grammar_cache_file()
    parser._grammar.cache_clear()
    try:
        monkeypatch.setattr(parser, "_GRAMMAR_PATCHES", ())
        unpatched = parser._grammar_cache_file()
    finally:
        parser._grammar.cache_clear()
        monkeypatch.undo()
    assert patched != unpatched
    assert Path(patched).parent == Path(unpatched).parent == tmp_path / "tagcheck"
