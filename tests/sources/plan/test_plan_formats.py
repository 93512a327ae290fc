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


# --- what older formats write differently (found by reading 144 real plan files) ------------

def _module_plan(provider_config: dict, key: str, *, version: str = "0.1") -> dict:
    """A bucket in ``module.app`` whose provider Terraform < 1.2 writes unresolved: the
    resource's ``provider_config_key`` is ``CALL:aws`` (the call's name only), which names no
    ``provider_config`` entry when the module inherits its caller's provider."""
    ignored = {"cost-center": "cc-1234", "team": "ml", "aws:cloudformation:stack-name": "x"}
    change = _change("module.app.aws_s3_bucket.logs", "aws_s3_bucket", {"bucket": "l", "tags": ignored},
                     {"id": True}, "aws", False)
    change.update(module_address="module.app", name="logs")
    return {
        "format_version": version, "terraform_version": "0.12.31" if version == "0.1" else "1.0.11",
        "planned_values": {"root_module": {}}, "resource_changes": [change],
        "configuration": {"provider_config": provider_config, "root_module": {"module_calls": {"app": {
            "source": "./app", "module": {"resources": [{
                "address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
                "provider_config_key": key, "schema_version": 0}]}}}}},
    }


ROOT_AWS = {"aws": {"name": "aws", "expressions": {
    "region": {"constant_value": "eu-west-1"},
    "ignore_tags": [{"key_prefixes": {"constant_value": ["aws:"]}}]}}}
# Terraform 0.13 to 1.1 also list a module's required_providers entry, with no expressions
REQUIREMENT = {"module.app:aws": {"name": "aws", "version_constraint": ">= 3.0", "module_address": "module.app"}}
OWN_BLOCK_012 = {"app:aws": {"name": "aws", "module_address": "app",
                             "expressions": {"region": {"constant_value": "ap-south-1"}}}}


@pytest.mark.parametrize("provider_config, version, region", [
    (ROOT_AWS, "0.1", "eu-west-1"),
    ({**ROOT_AWS, **REQUIREMENT}, "0.2", "eu-west-1"),
    ({**ROOT_AWS, **OWN_BLOCK_012}, "0.1", "ap-south-1"),
], ids=["inherited-0.12", "inherited-past-a-required-providers-entry", "module-own-provider-block-0.12"])
def test_a_module_resource_gets_the_provider_it_inherits_in_older_formats(tmp_path, provider_config, version, region):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_module_plan(provider_config, "app:aws", version=version)))
    [bucket] = load_plan(path).resources
    assert bucket.region == region
    inherited = region == "eu-west-1"  # the root's ignore_tags hide aws:* keys, as Terraform does
    assert ("aws:cloudformation:stack-name" in bucket.tags.values) is not inherited


def test_which_provider_a_module_inherits_is_unknown_when_its_caller_has_aliases(tmp_path):
    """``providers = { aws = aws.west }`` on the call is not in these plans: either may be it."""
    aliased = {**ROOT_AWS, "aws.west": {"name": "aws", "alias": "west",
                                        "expressions": {"region": {"constant_value": "us-west-2"}}}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_module_plan(aliased, "app:aws")))
    [bucket] = load_plan(path).resources
    assert not isinstance(bucket.region, str) and "module.app" in bucket.region.reason


def test_a_terraform_012_resource_of_an_aliased_provider_is_kept(tmp_path):
    """Terraform 0.12 writes ``provider_name`` as the local name with the alias: "aws.east"."""
    doc = plan_012()
    doc["resource_changes"][1]["provider_name"] = "aws.east"
    doc["configuration"]["provider_config"]["aws.east"] = {"name": "aws", "alias": "east", "expressions": {
        "region": {"constant_value": "us-east-1"}}}
    doc["configuration"]["root_module"] = {"resources": [{
        "address": "aws_s3_bucket.untagged", "mode": "managed", "type": "aws_s3_bucket", "name": "untagged",
        "provider_config_key": "aws.east", "schema_version": 0}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    scanned = load_plan(path)
    assert scanned.other_providers == 0
    assert {r.address: r.region for r in scanned.resources} == {
        "aws_s3_bucket.tagged": "eu-west-1", "aws_s3_bucket.untagged": "us-east-1"}


@pytest.mark.parametrize("name, tags, unknown", [
    ("tags", [{"key": "team", "value": "ml", "propagate_at_launch": "true"}, None], [{}, True]),
    ("tags", [{"key": "team", "value": "ml", "propagate_at_launch": "true"},
              {"value": "cc-1234", "propagate_at_launch": "true"}], [{}, {"key": True}]),
    ("tag", [{"key": "team", "value": "ml", "propagate_at_launch": True}, None], [{}, True]),
], ids=["legacy-list-element", "legacy-list-key", "tag-block"])
def test_an_unknown_group_tag_element_is_unknown_not_missing(tmp_path, name, tags, unknown):
    """``tags = [local.team_tag, aws_x.y.tag]``: the second element is known after apply and
    may hold cost-center — TAG005 with the reason, the known team tag still present."""
    doc = plan_1x()
    asg = _asg([])
    asg["change"]["after"][name] = tags
    asg["change"]["after_unknown"][name] = unknown
    doc["resource_changes"] = [asg]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    [group] = load_plan(path).resources
    assert group.tags.values["team"].value == "ml"
    assert group.tags.complete is False and "aws_autoscaling_group.web" in group.tags.unknown_reason
    assert findings(path) == [("TAG005", "aws_autoscaling_group.web", ("cost-center",))]
