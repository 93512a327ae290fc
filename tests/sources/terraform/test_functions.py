"""Built-in functions the public repositories use most (issue #12), against the examples of
Terraform's function documentation. A function tagcheck does not model stays unknown, naming
the reference it was given when that is unknown anyway."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagcheck.model import Unknown
from tagcheck.sources.terraform import parser
from tagcheck.sources.terraform.evaluate import Scope, evaluate_or_unknown


def value(source: str):
    [block] = parser.parse_file(Path("x.tf"), f"locals {{\n  x = {source}\n}}\n")
    return evaluate_or_unknown(block.attrs["x"][0], Scope())


@pytest.mark.parametrize("source, expected", [
    ('one([])', None),
    ('one(["hello"])', "hello"),
    ('sort(["e", "d", "a", "x"])', ["a", "d", "e", "x"]),
    ('reverse([1, 2, 3])', [3, 2, 1]),
    ('slice(["a", "b", "c", "d"], 1, 3)', ["b", "c"]),
    ('setintersection(["a", "b"], ["b", "c"], ["b", "d"])', ["b"]),
    ('setunion(["a", "b"], ["b", "c"], ["d"])', ["a", "b", "c", "d"]),
    ('setsubtract(["a", "b", "c"], ["a", "c"])', ["b"]),
    ('basename("foo/bar/baz.txt")', "baz.txt"),
    ('basename("foo/bar/")', "bar"),
    ('dirname("foo/bar/baz.txt")', "foo/bar"),
    ('dirname("baz.txt")', "."),
    ('startswith("hello world", "hello")', True),
    ('endswith("hello world", "hello")', False),
    ('strcontains("hello world", "wor")', True),
    ('regex("[a-z]+", "53453453.345345aaabbbccc23454")', "aaabbbccc"),
    ('regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")', ["2019", "02", "01"]),
    ('regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")',
     {"scheme": "https", "authority": "terraform.io"}),
    ('regexall("[a-z]+", "1234abcd5678efgh9")', ["abcd", "efgh"]),
    ('formatlist("Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"])',
     ["Hello, Valentina!", "Hello, Ander!", "Hello, Olivia!", "Hello, Sam!"]),
    ('formatlist("%s, %s!", "Salutations", ["Valentina", "Ander"])', ["Salutations, Valentina!", "Salutations, Ander!"]),
    ('cidrsubnet("172.16.0.0/12", 4, 2)', "172.18.0.0/16"),
    ('cidrsubnet("10.1.2.0/24", 4, 15)', "10.1.2.240/28"),
    ('cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)', "fd00:fd12:3456:7800:a200::/72"),
    ('alltrue(["true", true])', True),
    ('alltrue([])', True),
    ('anytrue([false, "true"])', True),
    ('sum([10, 13, 6, 4.5])', 33.5),
    ('base64encode("Hello World")', "SGVsbG8gV29ybGQ="),
    ('base64decode("SGVsbG8gV29ybGQ=")', "Hello World"),
    ('jsondecode("{\\"hello\\": \\"world\\"}")', {"hello": "world"}),
    ('jsonencode({"hello" = "world", "a" = [1]})', '{"a":[1],"hello":"world"}'),
    ('nonsensitive("x")', "x"),
])
def test_documented_examples(source, expected):
    assert value(source) == expected


@pytest.mark.parametrize("source, words", [
    ('one(["a", "b"])', "at most one"),
    ('regex("x", "y")', "did not match"),
    ('cidrsubnet("10.0.0.0/30", 4, 1)', "cannot make subnet"),
    ('sum([])', "non-empty"),
    ('base64decode("%%%")', "not base64"),
])
def test_what_terraform_rejects_is_an_error_reason(source, words):
    result = value(source)
    assert isinstance(result, Unknown) and words in result.reason


def test_an_unknown_argument_is_the_reason_even_for_an_unmodelled_function():
    assert value("yamldecode(data.http.cfg.response_body)") == Unknown("data.http.cfg.response_body")
    assert value('yamldecode("a: 1")') == Unknown("function yamldecode() is not modelled")
