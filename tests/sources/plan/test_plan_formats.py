"""Plans as real Terraform versions write them (issue #12): format_version 0.1 (Terraform
0.12–0.14), 0.2 (0.15–1.0) and 1.x; UTF-8 with or without a BOM and UTF-16 (PowerShell's
``>``); the AWS provider ≤ 4.x auto scaling group ``tags`` list.

The documents are written here from the documented JSON output format
(https://developer.hashicorp.com/terraform/internals/json-format), one per version's shape:
0.12 names the provider "aws" and has no ``*_sensitive`` keys, 0.15 adds them, 1.x adds
``relevant_attributes``/``action_reason`` and registry provider addresses. None is copied
from a real plan.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from tagcheck import engine
from tagcheck.cli import main
from tagcheck.policy import load_policy
from tagcheck.sources.plan import PlanError, load_plan

POLICY = Path(__file__).parent.parent / "terraform" / "cases" / "policy.yaml"  # required: team, cost-center
TAGGED = {"team": "ml", "cost-center": "cc-1234"}


def _change(address: str, rtype: str, after: dict, after_unknown: dict, provider: str, sensitive: bool) -> dict:
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": after_unknown}
    if sensitive:  # format 0.2 and later
        change.update(before_sensitive=False, after_sensitive={})
    return {"address": address, "mode": "managed", "type": rtype, "name": address.split(".")[-1],
            "provider_name": provider, "change": change}


def plan_012() -> dict:
    """Terraform 0.12, AWS provider 2.x: no tags_all, provider named "aws"."""
    return {
        "format_version": "0.1", "terraform_version": "0.12.31",
        "planned_values": {"root_module": {"resources": []}},
        "resource_changes": [
            _change("aws_s3_bucket.tagged", "aws_s3_bucket", {"bucket": "a", "tags": TAGGED},
                    {"id": True, "arn": True}, "aws", False),
            _change("aws_s3_bucket.untagged", "aws_s3_bucket", {"bucket": "b", "tags": {"team": "ml"}},
                    {"id": True}, "aws", False),
        ],
        "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
            "region": {"constant_value": "eu-west-1"}}}}, "root_module": {}},
    }


def plan_015() -> dict:
    """Terraform 0.15/1.0, AWS provider 3.x with default_tags: tags_all planned."""
    return {
        "format_version": "0.2", "terraform_version": "1.0.11",
        "planned_values": {"root_module": {}},
        "resource_changes": [
            _change("aws_s3_bucket.tagged", "aws_s3_bucket",
                    {"bucket": "a", "tags": {"team": "ml"}, "tags_all": TAGGED},
                    {"id": True, "tags": {}, "tags_all": {}}, "registry.terraform.io/hashicorp/aws", True),
            # tags from another resource's attribute: known after apply, and tags_all with them
            _change("aws_s3_bucket.unknown", "aws_s3_bucket", {"bucket": "c"},
                    {"id": True, "tags": True, "tags_all": True}, "registry.terraform.io/hashicorp/aws", True),
        ],
        "configuration": {"provider_config": {"aws": {
            "name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
            "expressions": {"region": {"constant_value": "us-east-1"},
                            "default_tags": [{"tags": {"constant_value": {"cost-center": "cc-1234"}}}]}}},
            "root_module": {}},
    }


def plan_1x() -> dict:
    doc = plan_015()
    doc.update(format_version="1.2", terraform_version="1.9.8",
               relevant_attributes=[], timestamp="2026-11-30T10:00:00Z", applyable=True, complete=True)
    for change in doc["resource_changes"]:
        change["change"]["action_reason"] = None
    return doc


def findings(path: Path) -> list[tuple]:
    scanned = load_plan(path)
    run = engine.run(scanned.resources, [], load_policy(POLICY))
    return sorted((f.rule, f.resource.address, tuple(f.details.get("missing") or f.details.get("unknown") or ()))
                  for f in run.findings if f.rule.startswith("TAG"))


@pytest.mark.parametrize("doc, expected", [
    (plan_012, [("TAG001", "aws_s3_bucket.untagged", ("cost-center",))]),
    (plan_015, [("TAG005", "aws_s3_bucket.unknown", ("team",))]),
    (plan_1x, [("TAG005", "aws_s3_bucket.unknown", ("team",))]),
], ids=["terraform-0.12-format-0.1", "terraform-1.0-format-0.2", "terraform-1.9-format-1.2"])
def test_every_format_version_terraform_writes_is_read(tmp_path, doc, expected):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc(), indent=2))
    assert findings(path) == expected


def test_the_region_of_a_terraform_012_plan_comes_from_its_provider_block(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_012()))
    assert {r.region for r in load_plan(path).resources} == {"eu-west-1"}


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b""), ("utf-16-be", b""),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be"])
def test_plans_in_utf8_and_utf16_with_or_without_a_bom(tmp_path, encoding, bom):
    text = json.dumps(plan_1x(), indent=2).replace('"ml"', '"ml-é"')  # one non-ASCII character too
    path = tmp_path / "plan.json"
    path.write_bytes(bom + text.encode(encoding))
    assert findings(path) == [("TAG005", "aws_s3_bucket.unknown", ("team",))]
    tagged = next(r for r in load_plan(path).resources if r.address == "aws_s3_bucket.tagged")
    assert tagged.tags.values["team"].value == "ml-é"


def test_a_future_format_is_still_refused_naming_the_file(tmp_path, capsys):
    doc = plan_1x()
    doc["format_version"] = "2.0"
    path = tmp_path / "future.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(PlanError, match="future.json: plan format_version '2.0' is not supported"):
        load_plan(path)
    assert main(["plan", str(path), "--policy", str(POLICY)]) == 2
    assert "future.json" in capsys.readouterr().err


def test_a_binary_or_garbled_file_is_still_refused(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b"\x00\x00\x00\x01binary")
    with pytest.raises(PlanError, match="plan.json"):
        load_plan(path)


def _asg(tags: list | bool) -> dict:
    after = {"name": "web", "max_size": 2, "min_size": 1}
    unknown: dict = {"id": True, "arn": True}
    if tags is True:
        unknown["tags"] = True
    else:
        after["tags"] = tags
        unknown["tags"] = [{} for _ in tags]
    return _change("aws_autoscaling_group.web", "aws_autoscaling_group", after, unknown,
                   "registry.terraform.io/hashicorp/aws", True)


@pytest.mark.parametrize("tags, expected", [
    ([{"key": "team", "value": "ml", "propagate_at_launch": "true"},
      {"key": "cost-center", "value": "cc-1234", "propagate_at_launch": "false"}], []),
    ([{"key": "team", "value": "ml", "propagate_at_launch": True}],
     [("TAG001", "aws_autoscaling_group.web", ("cost-center",))]),
    (True, [("TAG005", "aws_autoscaling_group.web", ("team", "cost-center"))]),
], ids=["tagged", "one-missing", "known-after-apply"])
def test_the_provider_4_auto_scaling_group_tags_list(tmp_path, tags, expected):
    doc = plan_1x()
    doc["resource_changes"] = [_asg(tags)]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    assert findings(path) == expected
