"""Newlines inside brackets (issue #12): Terraform ignores them inside ( ), [ ] and a
{ for … } expression, and keeps them as separators in an object constructor and a block.
python-hcl2's grammar accepted them only at some places, so valid code from public
repositories — ``{ for c in l : c\\n => c }`` first — was a TC001. Shapes written after that
code, not copied from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagcheck.sources.terraform import parser
from tagcheck.sources.terraform.evaluate import Scope, evaluate_or_unknown
from tagcheck.sources.terraform.syntax import ParseError


def value(expression: str):
    [block] = parser.parse_file(Path("x.tf"), f"locals {{\n  x = {expression}\n  after = 1\n}}\n")
    assert set(block.attrs) == {"x", "after"}  # the newline after the expression still ends it
    return evaluate_or_unknown(block.attrs["x"][0], Scope())


@pytest.mark.parametrize("expression, expected", [
    ('{ for c in ["a", "b"] : c\n    => upper(c) }', {"a": "A", "b": "B"}),
    ('{\n    for c in ["a", "b"] :\n    c => c\n    if c != "b"\n  }', {"a": "a"}),
    ('{ for c in ["a", "b", "a"] : c\n    => 1\n    ...\n  }', {"a": [1, 1], "b": [1]}),
    ('{ for k, v in { x = 1 }\n    : k => v }', {"x": 1}),
    ('[for c in ["a", "b"]\n    : c\n    if c == "a"]', ["a"]),
    ('(true\n    ? "yes"\n    : "no")', "yes"),
    ('(5\n    - 2)', 3),
    ('(true\n    &&\n    false)', False),
    ('[\n    "a"\n    , "b"\n  ]', ["a", "b"]),
    ('merge(\n    { a = 1 },\n    # a comment between arguments\n    { b = 2 }\n  )', {"a": 1, "b": 2}),
    ('concat(\n    [["a"], ["b"]]\n    ...\n  )', ["a", "b"]),
    ('[{\n    a = 1\n    b = 2\n  }]', [{"a": 1, "b": 2}]),  # an object in a tuple keeps its separators
    ('{ for k, v in { a = { n = 1 } } : k => {\n      n = v.n\n      m = 2\n    } }', {"a": {"n": 1, "m": 2}}),
])
def test_newlines_terraform_ignores(expression, expected):
    assert value(expression) == expected


def test_block_bodies_and_object_constructors_still_separate_items_with_newlines():
    [block] = parser.parse_file(Path("x.tf"), 'resource "aws_sqs_queue" "q" {\n  tags = {\n    a = "1"\n'
                                              '    b = "2"\n  }\n  name = "q"\n}\n')
    assert set(block.attrs) == {"tags", "name"}
    assert evaluate_or_unknown(block.attrs["tags"][0], Scope()) == {"a": "1", "b": "2"}
    assert (block.line, block.end_line) == (1, 7)


@pytest.mark.parametrize("text, line", [
    ('locals {\n  x = {\n    a\n    = 1\n  }\n}\n', 3),  # an object element split before "=": invalid in Terraform
    ('locals {\n  x = [1, 2\n}\n', 3),  # unclosed bracket
    ('locals {\n  x = (1\n}\n', 3),
])
def test_really_invalid_code_is_still_a_parse_error_at_its_line(text, line):
    with pytest.raises(ParseError) as raised:
        parser.parse_file(Path("x.tf"), text)
    assert raised.value.line == line
