"""Regressions found by running tagcheck over public Terraform repositories (issue #12).

Each fixture is written in the shape of the real code that broke — a published module's
``providers.tf``, a monorepo environment keyed by ``terraform.workspace``, a ``for_each``
over a list holding a data-source attribute — not copied from it. Every test here failed
before its fix.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tagcheck.cli import main

POLICY = "version: 1\ntags:\n  required: [team, environment, cost-center]\n"
VALUE_POLICY = POLICY + "  allowed:\n    environment: [dev, prod]\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def run(capsys, root: Path, *argv: str, policy: str = POLICY) -> tuple[int, dict]:
    (root / ".tagcheck.yaml").write_text(policy)
    status = main(["scan", str(root), "--format", "json", "--fail-on", "never", "--cache-dir",
                   str(root.parent / "cache"), *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return status, json.loads(out)


def by_rule(doc: dict, rule: str) -> list[dict]:
    return [f for f in doc["findings"] if f["rule"] == rule]


def reasons(doc: dict) -> set[str]:
    return {f["details"]["reason"] for f in by_rule(doc, "TAG005")}


def assert_no_internal_text(doc: dict) -> None:
    for f in doc["findings"]:
        assert f["rule"] != "TC000", f["message"]
        reason = (f.get("details") or {}).get("reason") or ""
        for python_words in ("is required, not", "must be a name", "object has no attribute", "error:"):
            assert python_words not in reason, reason


# --- unknown values are falsy: the two places that tested them with `if`/`or` -------------------

def test_for_each_over_a_list_with_an_unknown_element_is_unknown_not_tc000(tmp_path, capsys):
    root = write(tmp_path / "r", {"main.tf": """\
        provider "aws" { region = "eu-west-1" }
        data "aws_caller_identity" "c" {}
        resource "aws_sqs_queue" "q" {
          for_each = toset([data.aws_caller_identity.c.account_id, "x"])
          tags     = { team = "a", environment = "dev", cost-center = "cc-1" }
        }
        resource "aws_sqs_queue" "after" {}
    """})
    status, doc = run(capsys, root, "--no-cache")
    assert status == 0 and not by_rule(doc, "TC000")
    addresses = {f["resource"]["address"] for f in doc["findings"]}
    assert "aws_sqs_queue.after" in addresses  # the rest of the root is not lost
    assert doc["summary"]["resources"] == 2


def test_comparing_an_unknown_names_the_reference_not_a_python_message(tmp_path, capsys):
    # the shape of a monorepo environment: local.environment from data, compared in count
    root = write(tmp_path / "r", {"main.tf": """\
        provider "aws" { region = "eu-west-2" }
        locals {
          environment = jsondecode(data.http.envs.response_body).name
        }
        resource "aws_s3_bucket" "b" {
          count = local.environment == "production" ? 1 : 0
          tags  = { team = "a", environment = local.environment, cost-center = "cc-1" }
        }
    """})
    _, doc = run(capsys, root, policy=VALUE_POLICY)
    assert_no_internal_text(doc)
    assert reasons(doc) == {"data.http.envs.response_body"}
    assert [f["resource"]["address"] for f in by_rule(doc, "TAG005")] == ["aws_s3_bucket.b[*]"]


def test_an_unmodelled_function_of_an_unknown_names_the_unknown(tmp_path, capsys):
    root = write(tmp_path / "r", {"main.tf": """\
        provider "aws" { region = "eu-west-2" }
        locals {
          tags = merge(jsondecode(data.http.environments.response_body).tags, { team = "a" })
          more = merge(sha3(data.aws_region.current.name), {})
          known = jsondecode("{\\"environment\\": \\"dev\\", \\"cost-center\\": \\"cc-9\\"}")
        }
        resource "aws_sqs_queue" "from_http" { tags = local.tags }
        resource "aws_sqs_queue" "unmodelled" { tags = local.more }
        resource "aws_sqs_queue" "decoded" { tags = merge(local.known, { team = "a" }) }
    """})
    _, doc = run(capsys, root)
    found = {f["resource"]["address"]: f["details"]["reason"] for f in by_rule(doc, "TAG005")}
    assert found == {"aws_sqs_queue.from_http": "data.http.environments.response_body",
                     "aws_sqs_queue.unmodelled": "data.aws_region.current.name"}
    assert not [f for f in doc["findings"] if f["resource"]["address"] == "aws_sqs_queue.decoded"]


def test_an_indexed_resource_attribute_is_unknown_by_its_address(tmp_path, capsys):
    root = write(tmp_path / "r", {"main.tf": """\
        provider "aws" { region = "eu-west-2" }
        resource "aws_sqs_queue" "src" { count = 1 }
        resource "aws_sqs_queue" "q" {
          tags = merge({ for k, v in aws_sqs_queue.src[0].tags : k => v }, { team = "a" })
        }
    """})
    _, doc = run(capsys, root)
    assert_no_internal_text(doc)
    assert "aws_sqs_queue.src[0]" in reasons(doc)


# --- inputs left to the caller --------------------------------------------------------------------

PUBLISHED_MODULE = {
    "providers.tf": """\
        provider "aws" {
          region = "eu-west-1"
          default_tags {
            tags = merge(var.tags, { managed_by = "terraform" })
          }
        }
    """,
    "variables.tf": """\
        variable "tags" {
          type    = map(string)
          default = {}
        }
        variable "extra" {
          type    = map(string)
          default = null
        }
    """,
    "main.tf": """\
        resource "aws_sqs_queue" "q" {}
        resource "aws_s3_bucket" "b" { tags = var.extra }
    """,
}


def test_default_tags_from_a_caller_input_are_unknown_wherever_the_provider_block_is(tmp_path, capsys):
    root = write(tmp_path / "module", PUBLISHED_MODULE)
    _, doc = run(capsys, root)
    assert not by_rule(doc, "TAG001")
    assert {f["resource"]["address"] for f in by_rule(doc, "TAG005")} == {"aws_sqs_queue.q", "aws_s3_bucket.b"}
    assert all("supplied by the caller" in r for r in reasons(doc))


def test_a_root_with_tfvars_applies_its_empty_default_as_written(tmp_path, capsys):
    root = write(tmp_path / "root", {**PUBLISHED_MODULE, "terraform.tfvars": 'extra = { team = "a" }\n'})
    _, doc = run(capsys, root)
    missing = {f["resource"]["address"]: f["details"]["missing"] for f in by_rule(doc, "TAG001")}
    assert missing == {"aws_sqs_queue.q": ["team", "environment", "cost-center"],
                       "aws_s3_bucket.b": ["environment", "cost-center"]}


def test_a_caller_input_set_by_var_is_used(tmp_path, capsys):
    root = write(tmp_path / "module", PUBLISHED_MODULE)
    _, doc = run(capsys, root, "--var", 'tags={team = "a", environment = "dev", cost-center = "cc-1"}')
    assert doc["findings"] == []  # every required key now comes from default_tags


# --- keys and values apart ------------------------------------------------------------------------

KNOWN_KEYS = {"main.tf": """\
    provider "aws" { region = "eu-west-1" }
    variable "owner" {}
    variable "env" {}
    resource "aws_sqs_queue" "q" {
      tags = { team = var.owner, environment = var.env, cost-center = "cc-1" }
    }
"""}


def test_a_literal_key_with_an_unknown_value_is_present(tmp_path, capsys):
    root = write(tmp_path / "r", KNOWN_KEYS)
    _, doc = run(capsys, root)
    assert doc["findings"] == []
    assert doc["summary"]["allocation"]["fully_tagged"] == 1


def test_only_a_value_check_on_an_unknown_value_is_unknown(tmp_path, capsys):
    root = write(tmp_path / "r", KNOWN_KEYS)
    _, doc = run(capsys, root, policy=VALUE_POLICY)
    [finding] = doc["findings"]
    assert finding["rule"] == "TAG005" and finding["details"]["value_only"] == ["environment"]
    assert finding["details"]["unknown"] == ["environment"]
    assert "the value of environment against the allowed values" in finding["message"]


def test_keys_that_differ_only_in_case_are_a_near_miss_even_beside_the_exact_key(tmp_path, capsys):
    root = write(tmp_path / "r", {"main.tf": """\
        provider "aws" {
          region = "eu-west-1"
          default_tags { tags = { team = "web", environment = "dev", cost-center = "cc-1" } }
        }
        resource "aws_sqs_queue" "q" { tags = { Team = "payments" } }
        resource "aws_sqs_queue" "fine" {}
    """})
    _, doc = run(capsys, root)
    [finding] = doc["findings"]
    assert (finding["rule"], finding["resource"]["address"]) == ("TAG003", "aws_sqs_queue.q")
    assert finding["details"]["found"] == "Team" and finding["details"]["expected"] == "team"
    assert "AWS keeps both" in finding["message"]


# --- nothing vanishes: workspaces and zero instances ----------------------------------------------

ENVIRONMENT = {"main.tf": """\
    provider "aws" {
      region = "eu-west-2"
      default_tags { tags = { team = "a", environment = terraform.workspace, cost-center = "cc-1" } }
    }
    locals {
      is_development = terraform.workspace == "dev"
    }
    resource "aws_instance" "dev_box" {
      count         = local.is_development ? 1 : 0
      instance_type = "t3.micro"
    }
    resource "aws_sqs_queue" "per_env" {
      for_each = { for k, v in { dev = "d" } : k => v if k == terraform.workspace }
    }
""", "versions.tf": 'terraform {\n  backend "s3" {}\n}\n'}


def test_blocks_with_zero_instances_are_counted_and_listed_with_their_expression(tmp_path, capsys):
    root = write(tmp_path / "r", ENVIRONMENT)
    _, doc = run(capsys, root)
    scan = doc["summary"]["scan"]
    assert (scan["workspace"], scan["workspace_from"]) == ("default", "default")
    assert scan["zero_instances"]["count"] == 2
    blocks = {b["address"]: b for b in scan["zero_instances"]["blocks"]}
    assert blocks["aws_instance.dev_box"]["expression"] == "count = local.is_development ? 1 : 0"
    assert blocks["aws_instance.dev_box"]["value"] == "0" and blocks["aws_instance.dev_box"]["line"] == 8
    assert blocks["aws_sqs_queue.per_env"]["expression"].startswith("for_each = {for k, v in")
    assert blocks["aws_sqs_queue.per_env"]["value"] == "{}"


@pytest.mark.parametrize("how", ["--workspace", ".terraform/environment"])
def test_the_workspace_comes_from_the_option_or_the_selected_one(tmp_path, capsys, how):
    root = write(tmp_path / "r", ENVIRONMENT)
    argv: tuple[str, ...] = ()
    if how == "--workspace":
        argv = ("--workspace", "dev")
    else:
        (root / ".terraform").mkdir()
        (root / ".terraform" / "environment").write_text("dev\n")
    for _ in range(2):  # evaluated, then from the roots cache
        _, doc = run(capsys, root, *argv)
        scan = doc["summary"]["scan"]
        assert (scan["workspace"], scan["workspace_from"]) == ("dev", how)
        assert scan["zero_instances"]["count"] == 0
        assert doc["summary"]["resources"] == 2


def test_changing_the_workspace_is_not_served_a_cached_root(tmp_path, capsys):
    root = write(tmp_path / "r", ENVIRONMENT)
    counts = [run(capsys, root, *argv)[1]["summary"]["resources"]
              for argv in ((), ("--workspace", "dev"), (), ("--workspace", "dev"))]
    assert counts == [0, 2, 0, 2]


def test_a_module_call_with_zero_instances_is_listed(tmp_path, capsys):
    root = write(tmp_path / "r", {
        "main.tf": 'module "app" {\n  source = "./app"\n  count  = 0\n}\n',
        "app/main.tf": 'resource "aws_sqs_queue" "q" {}\n',
    })
    _, doc = run(capsys, root)
    [block] = doc["summary"]["scan"]["zero_instances"]["blocks"]
    assert (block["address"], block["kind"], block["expression"]) == ("module.app", "module", "count = 0")


# --- a block that cannot be evaluated does not take the others with it ----------------------------

def test_a_provider_bug_still_reports_every_resource_of_the_module(tmp_path, capsys, monkeypatch):
    from tagcheck.sources.terraform.evaluator import ModuleEvaluator

    def broken(self, *args):
        raise KeyError("provider bug")

    monkeypatch.setattr(ModuleEvaluator, "_providers", broken)
    root = write(tmp_path / "r", {"main.tf": """\
        provider "aws" { region = "eu-west-1" }
        resource "aws_sqs_queue" "a" { tags = { team = "x" } }
        resource "aws_sqs_queue" "b" {}
    """})
    _, doc = run(capsys, root, "--no-cache", "--jobs", "1")
    assert [f["location"]["file"].endswith("r") for f in by_rule(doc, "TC000")] == [True]
    unknown = {f["resource"]["address"] for f in by_rule(doc, "TAG005")}
    assert unknown == {"aws_sqs_queue.a", "aws_sqs_queue.b"}
    assert not by_rule(doc, "TAG001")  # the default tags are unknown, not absent


def test_ignore_tags_keys_that_are_unknown_make_missing_keys_unknown_not_missing(tmp_path, capsys):
    root = write(tmp_path / "r", {"main.tf": """\
        provider "aws" {
          region = "eu-west-1"
          ignore_tags { keys = data.aws_ssm_parameter.ignored.insecure_value }
        }
        resource "aws_sqs_queue" "q" { tags = { team = "a" } }
    """})
    _, doc = run(capsys, root)
    [finding] = doc["findings"]
    assert finding["rule"] == "TAG005" and finding["details"]["unknown"] == ["environment", "cost-center"]
    assert finding["details"]["reason"] == "the provider's ignore_tags: data.aws_ssm_parameter.ignored.insecure_value"
