"""The AWS provider ≤ 4.x ``aws_autoscaling_group`` ``tags = [{key, value,
propagate_at_launch}]`` list (removed in provider 5.0, still in much code), read like
``tag {}`` blocks (issue #12): a tagged group passes instead of a false TAG001."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tagcheck.cli import main

POLICY = "version: 1\ntags:\n  required: [team, cost-center]\n"


def scan(tmp_path: Path, capsys, body: str) -> list[tuple]:
    (tmp_path / ".tagcheck.yaml").write_text(POLICY)
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n' + textwrap.dedent(body))
    main(["scan", str(tmp_path), "--no-cache", "--format", "json", "--fail-on", "never"])
    doc = json.loads(capsys.readouterr().out)
    return sorted((f["rule"], tuple(f["details"].get("missing") or f["details"].get("unknown") or ()),
                   f["details"].get("reason")) for f in doc["findings"] if f["rule"].startswith("TAG"))


LITERAL = """\
    resource "aws_autoscaling_group" "web" {
      max_size = 2
      min_size = 1
      tags = [
        { key = "team", value = "ml", propagate_at_launch = true },
        { key = "cost-center", value = "cc-1234", propagate_at_launch = false },
      ]
    }
"""

THROUGH_CONCAT = """\
    locals {
      common = [{ key = "team", value = "ml", propagate_at_launch = true }]
    }
    resource "aws_autoscaling_group" "web" {
      max_size = 2
      min_size = 1
      tags = concat(local.common, [{ key = "cost-center", value = "cc-1234", propagate_at_launch = true }])
    }
"""

ONE_MISSING = """\
    resource "aws_autoscaling_group" "web" {
      max_size = 2
      min_size = 1
      tags     = [{ key = "team", value = "ml", propagate_at_launch = true }]
    }
"""

UNKNOWN_ELEMENT = """\
    variable "extra_tags" {
      type = list(map(string))
    }
    resource "aws_autoscaling_group" "web" {
      max_size = 2
      min_size = 1
      tags     = concat([{ key = "team", value = "ml", propagate_at_launch = true }], var.extra_tags)
    }
"""


@pytest.mark.parametrize("body, expected", [
    (LITERAL, []),
    (THROUGH_CONCAT, []),
    (ONE_MISSING, [("TAG001", ("cost-center",), None)]),
    (UNKNOWN_ELEMENT, [("TAG005", ("team", "cost-center"), "var.extra_tags is not set (no default, tfvars or --var)")]),
], ids=["literal", "concat-of-locals", "one-missing", "unknown-list"])
def test_the_legacy_tags_list_is_read_like_tag_blocks(tmp_path, capsys, body, expected):
    assert scan(tmp_path, capsys, body) == expected


def test_the_fix_for_a_legacy_list_group_is_tag_blocks_not_a_map(tmp_path, capsys):
    (tmp_path / ".tagcheck.yaml").write_text(POLICY)
    (tmp_path / "main.tf").write_text(textwrap.dedent(ONE_MISSING))
    main(["scan", str(tmp_path), "--no-cache", "--format", "json", "--fail-on", "never"])
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert finding["fix"].startswith("tag {") and "propagate_at_launch" in finding["fix"]


UNKNOWN_ELEMENT_IN_A_LIST = """\
    variable "cost_tag" {
      type = map(string)
    }
    resource "aws_autoscaling_group" "web" {
      max_size = 2
      min_size = 1
      tags     = [{ key = "team", value = "ml", propagate_at_launch = true }, var.cost_tag]
    }
"""

UNKNOWN_KEY = """\
    data "aws_caller_identity" "current" {}
    resource "aws_autoscaling_group" "web" {
      max_size = 2
      min_size = 1
      tags = [
        { key = "team", value = "ml", propagate_at_launch = true },
        { key = data.aws_caller_identity.current.account_id, value = "x", propagate_at_launch = true },
      ]
    }
"""

UNKNOWN_VALUE = """\
    data "aws_caller_identity" "current" {}
    resource "aws_autoscaling_group" "web" {
      max_size = 2
      min_size = 1
      tags = [
        { key = "team", value = "ml", propagate_at_launch = true },
        { key = "cost-center", value = data.aws_caller_identity.current.account_id, propagate_at_launch = true },
      ]
    }
"""


@pytest.mark.parametrize("body, expected", [
    (UNKNOWN_ELEMENT_IN_A_LIST,
     [("TAG005", ("cost-center",), "var.cost_tag is not set (no default, tfvars or --var)")]),
    (UNKNOWN_KEY, [("TAG005", ("cost-center",), "data.aws_caller_identity.current.account_id")]),
    (UNKNOWN_VALUE, []),  # the key is written: present; no value check in this policy
], ids=["unknown-element", "unknown-key", "unknown-value"])
def test_an_unknown_element_of_a_known_list_leaves_the_known_tags(tmp_path, capsys, body, expected):
    """The known element still counts (team passes); only what the unknown one may hold is TAG005."""
    assert scan(tmp_path, capsys, body) == expected
