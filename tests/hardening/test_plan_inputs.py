"""Bad plans (issue #8), beyond tests/sources/plan/test_plan_source.py (which covers other
format versions, state files, truncated and binary JSON, other providers): a document whose
structure is not a plan's is one PlanError naming the JSON path (exit 2); odd values inside
a well-formed resource change make that resource's tags unknown, and the rest is checked."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

import pytest

from tagcheck import engine
from tagcheck.cli import main
from tagcheck.policy import load_policy
from tagcheck.sources.plan import PlanError, load_plan

AWS = "registry.terraform.io/hashicorp/aws"
TODAY = datetime.date(2026, 11, 26)


def change(name: str, after, **overrides) -> dict:
    out = {"address": f"aws_s3_bucket.{name}", "mode": "managed", "type": "aws_s3_bucket", "name": name,
           "provider_name": AWS, "change": {"actions": ["create"], "before": None, "after": after,
                                            "after_unknown": {"id": True}}}
    out.update(overrides)
    return out


GOOD = change("good", {"bucket": "good", "tags": {"team": "ml"}, "tags_all": {"team": "ml"}})


def plan(*changes, **top) -> dict:
    doc = {"format_version": "1.2", "terraform_version": "1.9.8", "planned_values": {"root_module": {}},
           "resource_changes": list(changes),
           "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": AWS}}, "root_module": {}}}
    doc.update(top)
    return doc


def write(tmp_path: Path, doc) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def policy(tmp_path: Path, extra: str = ""):
    path = tmp_path / "policy.yaml"
    path.write_text("version: 1\ntags:\n  required: [team]\n" + extra)
    return load_policy(path)


def findings(tmp_path: Path, doc, extra_policy: str = "") -> list[tuple]:
    scanned = load_plan(write(tmp_path, doc))
    result = engine.run(scanned.resources, [], policy(tmp_path, extra_policy), today=TODAY)
    return sorted((f.rule, f.resource.address if f.resource else None, f.message) for f in result.findings
                  if f.rule.startswith(("TAG", "TC")))


# --- structure that is not a plan's: PlanError with the JSON path ---------------------------

def _with(mutate):
    doc = plan(copy.deepcopy(GOOD))
    mutate(doc)
    return doc


STRUCTURE = {
    "resource_changes-object": (lambda d: d.update(resource_changes={"a": 1}), "resource_changes", "an array",
                                "an object"),
    "resource_changes-string": (lambda d: d.update(resource_changes="x"), "resource_changes", "an array", "a string"),
    "entry-string": (lambda d: d["resource_changes"].append("x"), "resource_changes[1]", "an object", "a string"),
    "entry-null": (lambda d: d["resource_changes"].append(None), "resource_changes[1]", "an object", "null"),
    "no-address": (lambda d: d["resource_changes"][0].pop("address"), "resource_changes[0].address", "a string",
                   "null"),
    "type-number": (lambda d: d["resource_changes"][0].update(type=5), "resource_changes[0].type", "a string",
                    "a number"),
    "no-mode": (lambda d: d["resource_changes"][0].pop("mode"), "resource_changes[0].mode", "a string", "null"),
    "provider-number": (lambda d: d["resource_changes"][0].update(provider_name=5),
                        "resource_changes[0].provider_name", "a string", "a number"),
    "module_address-list": (lambda d: d["resource_changes"][0].update(module_address=["m"]),
                            "resource_changes[0].module_address", "a string", "an array"),
    "change-string": (lambda d: d["resource_changes"][0].update(change="x"), "resource_changes[0].change",
                      "an object", "a string"),
    "change-missing": (lambda d: d["resource_changes"][0].pop("change"), "resource_changes[0].change", "an object",
                       "null"),
    "actions-string": (lambda d: d["resource_changes"][0]["change"].update(actions="create"),
                       "resource_changes[0].change.actions", "an array", "a string"),
    "action-number": (lambda d: d["resource_changes"][0]["change"].update(actions=[1]),
                      "resource_changes[0].change.actions[0]", "a string", "a number"),
    "after-list": (lambda d: d["resource_changes"][0]["change"].update(after=[1, 2]),
                   "resource_changes[0].change.after", "an object", "an array"),
    "after-string": (lambda d: d["resource_changes"][0]["change"].update(after="x"),
                     "resource_changes[0].change.after", "an object", "a string"),
    "after_unknown-list": (lambda d: d["resource_changes"][0]["change"].update(after_unknown=[True]),
                           "resource_changes[0].change.after_unknown", "an object or a boolean", "an array"),
    "variables-list": (lambda d: d.update(variables=[1]), "variables", "an object", "an array"),
    "configuration-list": (lambda d: d.update(configuration=[1]), "configuration", "an object", "an array"),
    "provider_config-list": (lambda d: d["configuration"].update(provider_config=[1]),
                             "configuration.provider_config", "an object", "an array"),
    "provider-entry-string": (lambda d: d["configuration"]["provider_config"].update(aws="x"),
                              "configuration.provider_config.aws", "an object", "a string"),
    "expressions-list": (lambda d: d["configuration"]["provider_config"]["aws"].update(expressions=[1]),
                         "configuration.provider_config.aws.expressions", "an object", "an array"),
    "root_module-string": (lambda d: d["configuration"].update(root_module="x"), "configuration.root_module",
                           "an object", "a string"),
    "module_calls-list": (lambda d: d["configuration"].update(root_module={"module_calls": [1]}),
                          "configuration.root_module.module_calls", "an object", "an array"),
    "nested-module-resources": (
        lambda d: d["configuration"].update(root_module={"module_calls": {"m": {"module": {"resources": "x"}}}}),
        "configuration.root_module.module_calls.m.module.resources", "an array", "a string"),
}


@pytest.mark.parametrize("name", sorted(STRUCTURE))
def test_a_structure_that_is_not_a_plan_is_one_error_with_the_json_path(tmp_path, name):
    mutate, where, expected, got = STRUCTURE[name]
    path = write(tmp_path, _with(mutate))
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert str(err.value) == (f"{path}: {where}: expected {expected}, got {got} "
                              "(not the JSON of `terraform show -json PLANFILE`?)")


@pytest.mark.parametrize("text, message", [
    ('{"format_version": "1.2", "resource_changes": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "JSON nested too deeply to read"),
    (json.dumps(plan(GOOD)).replace('"team": "ml"', '"team": ' + "9" * 5000, 1),
     "cannot read the JSON: Exceeds the limit (4300 digits) for integer string conversion"),
])
def test_json_python_cannot_read_is_a_plan_error(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert str(err.value).startswith(f"{path}: {message}")


@pytest.mark.parametrize("depth", [300, 900, 3000])
def test_deeply_nested_values_load_or_are_a_plan_error(tmp_path, depth):
    """Whether json or the after_unknown overlay runs out of stack first, it is a PlanError."""
    deep = '{"a": ' * depth + "{}" + "}" * depth
    text = json.dumps(plan(change("deep", {"tags_all": {"team": "x"}, "deep": "DEEP"})))
    text = text.replace('"deep": "DEEP"', f'"deep": {deep}').replace('"after_unknown": {"id": true}',
                                                                    f'"after_unknown": {{"deep": {deep}}}')
    path = write(tmp_path, text)
    try:
        scanned = load_plan(path)
    except PlanError as exc:
        assert "nested too deeply" in str(exc)
    else:
        assert scanned.resources[0].tags.values["team"].value == "x"


def test_cli_exit_2_and_one_line(tmp_path, capsys):
    path = write(tmp_path, plan("not a change"))
    (tmp_path / "p.yaml").write_text("version: 1\n")
    status = main(["plan", str(path), "--policy", str(tmp_path / "p.yaml")])
    out, err = capsys.readouterr()
    assert status == 2 and out == "" and "Traceback" not in err
    assert err == (f"tagcheck: error: {path}: resource_changes[0]: expected an object, got a string "
                   "(not the JSON of `terraform show -json PLANFILE`?)\n")


# --- odd values inside a resource change: that resource is unknown, the rest is checked ------

@pytest.mark.parametrize("after, after_unknown, reason", [
    ({"tags_all": ["team", "ml"]}, {}, "tags in the plan are an array, not a map"),
    ({"tags_all": "team=ml"}, {}, "tags in the plan are a string, not a map"),
    ({"tags": ["team"], "tags_all": None}, {"tags_all": True}, "aws_s3_bucket.odd.tags_all (known after apply)"),
    (None, {}, "the plan has no change.after for aws_s3_bucket.odd"),
    (None, True, "aws_s3_bucket.odd (known after apply)"),
])
def test_odd_tags_make_that_resource_unknown(tmp_path, after, after_unknown, reason):
    odd = change("odd", after)
    odd["change"]["after_unknown"] = after_unknown
    assert findings(tmp_path, plan(GOOD, odd)) == [
        ("TAG005", "aws_s3_bucket.odd", f"cannot verify tag team statically: {reason}")]


def test_a_tag_value_that_is_not_a_string_is_unknown_for_that_key(tmp_path):
    odd = change("odd", {"tags_all": {"team": {"nested": 1}, "other": [1]}})
    # the key is there: only a check of its value cannot be made
    assert findings(tmp_path, plan(GOOD, odd)) == []
    assert findings(tmp_path, plan(GOOD, odd), "  allowed:\n    team: [ml]\n") == [
        ("TAG005", "aws_s3_bucket.odd", "cannot verify the value of team against the allowed values statically: "
                                        "tag team in the plan is an object, not a string")]


@pytest.mark.parametrize("value, text", [(1e308, "1e+308"), (10**300, "1" + "0" * 300), (True, "true"),
                                         (-0.0, "-0.0")])
def test_numbers_in_tags_become_text(tmp_path, value, text):
    bucket = change("num", {"tags_all": {"team": value}})
    resource = load_plan(write(tmp_path, plan(bucket))).resources[0]
    assert resource.tags.values["team"].value == text


def test_a_later_minor_format_version_is_read(tmp_path):
    assert [r.address for r in load_plan(write(tmp_path, plan(GOOD, format_version="1.99"))).resources] == [
        "aws_s3_bucket.good"]
