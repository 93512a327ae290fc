"""The plan source (``tagcheck.sources.plan``) on its own: input checks, actions, unknowns, CLI.

Plans are built here in the shape ``terraform show -json PLANFILE`` gives them (Terraform
1.9, format_version 1.2): unknown attributes are absent from ``change.after`` and ``true``
in ``change.after_unknown``; provider settings are in ``configuration.provider_config``.
The regression tests at the end pin behaviour the plan source once got wrong.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest

from tagcheck import engine
from tagcheck.cli import main
from tagcheck.policy import load_policy
from tagcheck.sources.plan import PlanError, load_plan

AWS = "registry.terraform.io/hashicorp/aws"
GOOGLE = "registry.terraform.io/hashicorp/google"
POLICY = Path(__file__).parent.parent / "terraform" / "cases" / "policy.yaml"  # required: team, cost-center
TODAY = datetime.date(2026, 11, 26)
TAGGED = {"cost-center": "cc-1234", "team": "ml"}
US_EAST_1 = {"aws": {"name": "aws", "full_name": AWS, "expressions": {"region": {"constant_value": "us-east-1"}}}}


def change(address: str, rtype: str, after: dict | None, after_unknown: dict | bool | None = None, *,
           actions=("create",), module: str | None = None, provider: str = AWS, mode: str = "managed",
           before: dict | None = None) -> dict:
    name = address.rsplit(".", 1)[-1].split("[")[0]
    out = {"address": address}
    if module:
        out["module_address"] = module
    out.update(mode=mode, type=rtype, name=name, provider_name=provider, change={
        "actions": list(actions), "before": before, "after": after,
        "after_unknown": after_unknown if after_unknown is not None else {"id": True, "arn": True},
        "before_sensitive": False, "after_sensitive": False if after is None else {}})
    return out


def bucket(address: str, tags: dict | None, tags_all: dict | None, *, region: str = "us-east-1", **kw) -> dict:
    after = {"bucket": address.rsplit(".", 1)[-1], "force_destroy": False, "region": region, "tags": tags}
    unknown: dict = {"id": True, "arn": True, "bucket_domain_name": True}
    if tags is not None:
        unknown["tags"] = {}
    if tags_all is None:
        unknown["tags_all"] = True
    else:
        after["tags_all"] = tags_all
        unknown["tags_all"] = {}
    return change(address, "aws_s3_bucket", after, unknown, **kw)


def plan_doc(changes: list[dict], *, provider_config: dict | None = None, root_module: dict | None = None,
             variables: dict | None = None) -> dict:
    doc = {"format_version": "1.2", "terraform_version": "1.9.8"}
    if variables:
        doc["variables"] = {k: {"value": v} for k, v in variables.items()}
    doc.update({
        "planned_values": {"root_module": {}},
        "resource_changes": changes,
        "configuration": {"provider_config": provider_config if provider_config is not None else US_EAST_1,
                          "root_module": root_module or {}},
        "timestamp": "2026-11-26T09:00:00Z", "applyable": True, "complete": True, "errored": False,
    })
    return doc


def write(tmp_path: Path, doc, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2), encoding="utf-8")
    return path


def tag_findings(path: Path, **kw) -> list[tuple]:
    scanned = load_plan(path, **kw)
    run = engine.run(scanned.resources, [], load_policy(POLICY), today=TODAY)
    out = []
    for f in run.findings:
        if not f.rule.startswith("TAG"):
            continue
        keys = f.details.get("missing") or f.details.get("unknown")
        out.append((f.rule, f.resource.address, tuple(sorted(keys)) if keys else f.key))
    return sorted(out)


# --- what is not a plan ---------------------------------------------------------------------

@pytest.mark.parametrize("version", ["2.0", "", None, 1])  # 0.x and 1.x are read: test_plan_formats.py
def test_wrong_format_version_is_a_plan_error(tmp_path: Path, version) -> None:
    doc = plan_doc([bucket("aws_s3_bucket.a", TAGGED, TAGGED)])
    if version is None:
        del doc["format_version"]
    else:
        doc["format_version"] = version
    path = write(tmp_path, doc)
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert str(path) in str(err.value)
    assert "format_version" in str(err.value)


def test_show_json_of_a_state_is_rejected(tmp_path: Path) -> None:
    """`terraform show -json` without a plan file prints the state: format 1.0, `values`."""
    state = {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": [{
        "address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a", "provider_name": AWS,
        "schema_version": 0, "values": {"bucket": "a", "tags": TAGGED, "tags_all": TAGGED}}]}}}
    path = write(tmp_path, state, "state.json")
    with pytest.raises(PlanError, match="state, not of a plan") as err:
        load_plan(path)
    assert str(err.value).startswith(str(path))


def test_raw_tfstate_is_rejected(tmp_path: Path) -> None:
    tfstate = {"version": 4, "terraform_version": "1.9.8", "serial": 3, "lineage": "0b7e0b7e-0000-4000-8000-000000000000",
               "outputs": {}, "resources": [], "check_results": None}
    path = write(tmp_path, tfstate, "terraform.tfstate")
    with pytest.raises(PlanError) as err:
        load_plan(path)
    message = str(err.value)
    assert message.startswith(str(path)) and "state file, not a plan" in message
    assert "terraform show -json" in message  # says how to make the right input


def test_truncated_json_names_the_line(tmp_path: Path) -> None:
    full = json.dumps(plan_doc([bucket("aws_s3_bucket.a", TAGGED, TAGGED)]), indent=2)
    text = "\n".join(full.splitlines()[:25]) + "\n"  # cut off mid-document, as an interrupted redirect does
    with pytest.raises(json.JSONDecodeError) as decode:
        json.loads(text)
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert str(err.value).startswith(f"{path}:{decode.value.lineno}: not valid JSON")
    assert decode.value.lineno > 1


@pytest.mark.parametrize("text, fragment", [
    ("[]", "expected a JSON object"),
    ('{"format_version": "1.2"}', "no resource_changes"),
    ("", "not valid JSON"),
])
def test_other_non_plans(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(PlanError, match=fragment):
        load_plan(write(tmp_path, text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="no such file"):
        load_plan(tmp_path / "nope.json")


def test_plan_without_changes_is_fine(tmp_path: Path) -> None:
    """A plan with nothing to do has no `resource_changes` key at all (omitempty)."""
    doc = plan_doc([])
    del doc["resource_changes"]
    scanned = load_plan(write(tmp_path, doc))
    assert scanned.resources == [] and scanned.other_providers == 0


# --- what is read --------------------------------------------------------------------------

def test_plan_of_another_provider_only(tmp_path: Path) -> None:
    changes = [
        change("google_storage_bucket.data", "google_storage_bucket",
               {"name": "data", "location": "EU", "labels": {"team": "ml"}}, provider=GOOGLE),
        change("google_compute_instance.vm", "google_compute_instance",
               {"name": "vm", "machine_type": "e2-small", "zone": "europe-west1-b"}, provider=GOOGLE),
        change("data.google_project.current", "google_project", {"project_id": "p"}, actions=("read",),
               provider=GOOGLE, mode="data"),
    ]
    config = {"google": {"name": "google", "full_name": GOOGLE,
                         "expressions": {"project": {"constant_value": "p"}, "region": {"constant_value": "europe-west1"}}}}
    path = write(tmp_path, plan_doc(changes, provider_config=config))
    scanned = load_plan(path)
    assert scanned.resources == []
    assert scanned.other_providers == 2  # managed resources only; data sources are not resources
    assert tag_findings(path) == []


def test_known_tags_all_is_the_truth(tmp_path: Path) -> None:
    path = write(tmp_path, plan_doc([
        bucket("aws_s3_bucket.ok", {"team": "ml"}, TAGGED),  # cost-center from default_tags
        bucket("aws_s3_bucket.short", {"team": "ml"}, {"team": "ml"}),
    ]))
    scanned = load_plan(path)
    ok = next(r for r in scanned.resources if r.address == "aws_s3_bucket.ok")
    assert ok.tags.known_dict() == TAGGED and ok.origin.value == "plan" and ok.region == "us-east-1"
    assert tag_findings(path) == [("TAG001", "aws_s3_bucket.short", ("cost-center",))]


def test_unknown_tags_all_is_tag005_for_the_required_keys(tmp_path: Path) -> None:
    """tags = merge(data.x.tags, …): the provider plans tags and tags_all as unknown."""
    after = {"bucket": "u", "force_destroy": False, "region": "us-east-1"}
    path = write(tmp_path, plan_doc([change("aws_s3_bucket.u", "aws_s3_bucket", after,
                                            {"id": True, "arn": True, "tags": True, "tags_all": True})]))
    assert tag_findings(path) == [("TAG005", "aws_s3_bucket.u", ("cost-center", "team"))]
    scanned = load_plan(path)
    run = engine.run(scanned.resources, [], load_policy(POLICY), today=TODAY)
    (finding,) = [f for f in run.findings if f.rule == "TAG005"]
    assert "aws_s3_bucket.u.tags_all" in finding.details["reason"]
    assert "known after apply" in finding.details["reason"]


def test_delete_is_skipped_replace_is_kept(tmp_path: Path) -> None:
    old = {"bucket": "x", "region": "us-east-1", "tags": None, "tags_all": {}}
    path = write(tmp_path, plan_doc([
        change("aws_s3_bucket.gone", "aws_s3_bucket", None, False, actions=("delete",), before=old),
        bucket("aws_s3_bucket.replaced", {"team": "ml"}, {"team": "ml"}, actions=("delete", "create"), before=old),
        bucket("aws_s3_bucket.cbd", TAGGED, TAGGED, actions=("create", "delete"), before=old),
    ]))
    scanned = load_plan(path)
    assert scanned.skipped_deleted == 1
    assert {r.address: r.action for r in scanned.resources} == {"aws_s3_bucket.replaced": "replace",
                                                              "aws_s3_bucket.cbd": "replace"}
    assert tag_findings(path) == [("TAG001", "aws_s3_bucket.replaced", ("cost-center",))]


def test_changed_only_skips_and_counts_no_op(tmp_path: Path) -> None:
    same = {"bucket": "same", "region": "us-east-1", "tags": {"team": "ml"}, "tags_all": {"team": "ml"}}
    path = write(tmp_path, plan_doc([
        change("aws_s3_bucket.same", "aws_s3_bucket", same, {"tags": {}, "tags_all": {}}, actions=("no-op",),
               before=same),
        bucket("aws_s3_bucket.changed", TAGGED, TAGGED, actions=("update",), before=same),
        bucket("aws_s3_bucket.new", {"team": "ml"}, {"team": "ml"}),
        change("data.aws_caller_identity.me", "aws_caller_identity", {"account_id": "123456789012"},
               actions=("read",), mode="data"),
    ]))
    everything = load_plan(path)
    assert sorted(r.address for r in everything.resources) == ["aws_s3_bucket.changed", "aws_s3_bucket.new",
                                                               "aws_s3_bucket.same"]
    assert everything.skipped_unchanged == 0
    changed = load_plan(path, changed_only=True)
    assert sorted(r.address for r in changed.resources) == ["aws_s3_bucket.changed", "aws_s3_bucket.new"]
    assert changed.skipped_unchanged == 1
    assert tag_findings(path, changed_only=True) == [("TAG001", "aws_s3_bucket.new", ("cost-center",))]


def test_provider_of_a_module_resource(tmp_path: Path) -> None:
    """provider_config_key of a module's resource names the root configuration passed down."""
    config = {**US_EAST_1, "aws.west": {"name": "aws", "full_name": AWS, "alias": "west", "expressions": {
        "region": {"constant_value": "us-west-2"}, "ignore_tags": [{"keys": {"constant_value": ["team"]}}]}}}
    root = {"module_calls": {"west": {"source": "./modules/bucket", "for_each_expression": {}, "module": {
        "resources": [{"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this",
                       "provider_config_key": "aws.west", "schema_version": 0}]}}}}
    path = write(tmp_path, plan_doc([bucket('module.west["a"].aws_s3_bucket.this', {"cost-center": "cc-1234"},
                                            {"cost-center": "cc-1234"}, region="us-west-2",
                                            module='module.west["a"]')],
                                    provider_config=config, root_module=root))
    (resource,) = load_plan(path).resources
    assert (resource.provider, resource.region, resource.module) == ("aws.west", "us-west-2", 'module.west["a"]')
    assert tag_findings(path) == [("TAG006", 'module.west["a"].aws_s3_bucket.this', "team")]


# --- the command -----------------------------------------------------------------------------

@pytest.fixture
def policy_arg() -> list[str]:
    return ["--policy", str(POLICY)]


def test_cli_exit_0_when_tagged(tmp_path: Path, policy_arg, capsys) -> None:
    path = write(tmp_path, plan_doc([bucket("aws_s3_bucket.a", TAGGED, TAGGED)]))
    assert main(["plan", str(path), *policy_arg]) == 0


def test_cli_exit_1_on_a_missing_tag(tmp_path: Path, policy_arg, capsys) -> None:
    path = write(tmp_path, plan_doc([bucket("aws_s3_bucket.a", {"team": "ml"}, {"team": "ml"})]))
    assert main(["plan", str(path), *policy_arg, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["resource"]["address"], f["resource"]["origin"]) for f in report["findings"]
            if f["rule"].startswith("TAG")] == [("TAG001", "aws_s3_bucket.a", "plan")]


@pytest.mark.parametrize("doc", [
    {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {}}},
    {"version": 4, "resources": []},
    {"format_version": "2.0", "resource_changes": []},
], ids=["show-json-state", "tfstate", "future-format"])
def test_cli_exit_2_on_a_wrong_input(tmp_path: Path, policy_arg, capsys, doc) -> None:
    path = write(tmp_path, doc)
    assert main(["plan", str(path), *policy_arg]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tagcheck: error: ") and str(path) in err and len(err.strip().splitlines()) == 1


def test_cli_exit_2_on_a_missing_file(tmp_path: Path, policy_arg, capsys) -> None:
    assert main(["plan", str(tmp_path / "missing.json"), *policy_arg]) == 2
    assert "no such file" in capsys.readouterr().err


# --- regressions: what the plan source once got wrong ------------------------------------------------

def test_cli_untagged_resource_fails_the_gate(tmp_path: Path, policy_arg, capsys) -> None:
    path = write(tmp_path, plan_doc([bucket("aws_s3_bucket.bare", None, None)]))
    assert main(["plan", str(path), *policy_arg]) == 1


def test_unknown_asg_tag_set_is_unknown_not_missing(tmp_path: Path) -> None:
    after = {"max_size": 1, "min_size": 1, "availability_zones": ["us-east-1a"], "region": "us-east-1"}
    path = write(tmp_path, plan_doc([change("aws_autoscaling_group.w", "aws_autoscaling_group", after,
                                            {"id": True, "arn": True, "name": True, "tag": True,
                                             "availability_zones": [False]})]))
    assert tag_findings(path) == [("TAG005", "aws_autoscaling_group.w", ("cost-center", "team"))]


def test_forget_is_skipped_like_delete(tmp_path: Path) -> None:
    old = {"bucket": "kept", "region": "us-east-1", "tags": TAGGED, "tags_all": TAGGED}
    path = write(tmp_path, plan_doc([change("aws_s3_bucket.kept", "aws_s3_bucket", None, False,
                                            actions=("forget",), before=old)]))
    scanned = load_plan(path)
    assert scanned.resources == []
    assert tag_findings(path) == []


def test_module_instance_key_containing_dot_module(tmp_path: Path) -> None:
    config = {**US_EAST_1, "aws.west": {"name": "aws", "full_name": AWS, "alias": "west", "expressions": {
        "region": {"constant_value": "us-west-2"}, "ignore_tags": [{"keys": {"constant_value": ["team"]}}]}}}
    root = {"module_calls": {"site": {"source": "./modules/site", "for_each_expression": {}, "module": {
        "resources": [{"address": "aws_s3_bucket.this", "mode": "managed", "type": "aws_s3_bucket", "name": "this",
                       "provider_config_key": "aws.west", "schema_version": 0}]}}}}
    module = 'module.site["api.module.example"]'
    path = write(tmp_path, plan_doc([bucket(f"{module}.aws_s3_bucket.this", {"cost-center": "cc-1234"},
                                            {"cost-center": "cc-1234"}, region="us-west-2", module=module)],
                                    provider_config=config, root_module=root))
    (resource,) = load_plan(path).resources
    assert resource.provider == "aws.west"
    assert tag_findings(path) == [("TAG006", f"{module}.aws_s3_bucket.this", "team")]


def test_ignore_tags_from_a_variable(tmp_path: Path) -> None:
    config = {"aws": {"name": "aws", "full_name": AWS, "expressions": {
        "region": {"constant_value": "us-east-1"}, "ignore_tags": [{"keys": {"references": ["var.ignored"]}}]}}}
    path = write(tmp_path, plan_doc([bucket("aws_s3_bucket.i", TAGGED, {"cost-center": "cc-1234"})],
                                    provider_config=config, variables={"ignored": ["team"]}))
    findings = tag_findings(path)
    assert not [f for f in findings if f[0] == "TAG001"], findings
    assert [f[0] for f in findings] in (["TAG006"], ["TAG005"])


def test_binary_plan_file_gets_the_hint(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tfplan", bytes(range(256)) * 64)
        archive.writestr("tfconfig/m-/main.tf", 'resource "aws_s3_bucket" "a" {}\n')
    path = tmp_path / "plan"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(PlanError, match="terraform show -json"):
        load_plan(path)


def test_a_reference_in_the_configuration_names_the_resource_a_planned_unknown_reads(tmp_path: Path) -> None:
    """The plan has no value for ``launch_template[0].id`` (known after apply), but its
    configuration lists the references of each expression: ``Unknown.ref`` carries the
    launch template's address (within the module instance), and the group is priced with it."""
    from tagcheck.catalog.prices import default_pricebook
    from tagcheck.cost.estimate import CostModel

    module = 'module.web["blue"]'
    template = change(f"{module}.aws_launch_template.api", "aws_launch_template",
                      {"instance_type": "m5.xlarge", "image_id": "ami-1"}, module=module)
    group = change(f"{module}.aws_autoscaling_group.web", "aws_autoscaling_group",
                   {"min_size": 2, "max_size": 4, "desired_capacity": 2, "launch_template": [{"version": "$Latest"}]},
                   {"id": True, "launch_template": [{"id": True, "name": True}]}, module=module)
    child = {"resources": [
        {"address": "aws_launch_template.api", "mode": "managed", "type": "aws_launch_template", "name": "api",
         "provider_config_key": "aws", "expressions": {"instance_type": {"constant_value": "m5.xlarge"}}},
        {"address": "aws_autoscaling_group.web", "mode": "managed", "type": "aws_autoscaling_group", "name": "web",
         "provider_config_key": "aws", "expressions": {
             "min_size": {"constant_value": 2},
             "launch_template": [{"id": {"references": ["aws_launch_template.api.id", "aws_launch_template.api"]},
                                  "version": {"constant_value": "$Latest"}}]}}]}
    doc = plan_doc([template, group], root_module={"module_calls": {"web": {"source": "./web", "module": child}}})
    resources = load_plan(write(tmp_path, doc)).resources
    planned_group = next(r for r in resources if r.type == "aws_autoscaling_group")
    launch_template = planned_group.attributes["launch_template"][0]
    assert launch_template["id"].ref == f"{module}.aws_launch_template.api"
    assert launch_template["name"].ref is None  # no expression in the configuration: no reference
    m5 = default_pricebook().ec2_hourly("us-east-1", "m5.xlarge")
    cost = CostModel(default_pricebook(), resources).estimate(planned_group).monthly_usd
    assert cost is not None and cost >= 2 * m5 * 730 * 0.99


@pytest.mark.parametrize("references, ref", [
    (["aws_launch_template.api.id", "aws_launch_template.api"], "aws_launch_template.api"),
    (["aws_instance.web[0].id", "aws_instance.web[0]", "aws_instance.web"], "aws_instance.web[0]"),
    (["data.aws_ami.base.id", "data.aws_ami.base"], "data.aws_ami.base"),
    (["var.template_id"], None), (["local.name"], None), (["module.lt.id", "module.lt"], None),
    (["each.value", "var.x", "aws_iam_role.r.arn"], "aws_iam_role.r"),  # the first resource named
])
def test_which_configuration_references_name_a_resource(references, ref) -> None:
    from tagcheck.sources.plan.resources import _referenced

    assert _referenced({"references": references}, "") == ref
