"""Loading, discovery, defaults, extends merging and the shipped policies."""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest

from tagcheck.policy import (
    POLICY_FILENAMES,
    SHIPPED_POLICIES_DIR,
    AllowedValues,
    CostSettings,
    Governance,
    IgnoreEntry,
    RuleConfig,
    find_policy,
    load_policy,
    policy_schema,
    shipped_policy_names,
    starter_policy_text,
)
from tagcheck.policy.validate import validate_document
from tagcheck.policy.yamlread import read_yaml_document

BASELINE = SHIPPED_POLICIES_DIR / "finops-baseline.yaml"

# DESIGN.md §3, verbatim but for the comments.
DESIGN_EXAMPLE = """\
version: 1
extends: [finops-baseline]
tags:
  required: [team, feature, component, environment, cost-center]
  allowed:
    environment: [dev, test, staging, prod]
    cost-center: {pattern: '^cc-[0-9]{4}$'}
  key_case: lower
environments:
  tag: environment
  non_production: [dev, test, sandbox]
governance:
  regions: [us-east-1, eu-west-1]
  non_production:
    max_instance_size: xlarge
    schedule_tag: schedule
rules:
  COST004: {severity: warning}
ignore:
  - {rule: TAG001, resource: 'aws_s3_bucket.legacy_*', reason: 'migrating', expires: 2027-03-31}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_design_example_merged_with_the_baseline(tmp_path):
    policy_file = write(tmp_path / ".tagcheck.yaml", DESIGN_EXAMPLE)

    policy = load_policy(policy_file)

    assert policy.source == str(policy_file)
    assert policy.files == (str(BASELINE), str(policy_file))
    # Ordered union, baseline keys first.
    assert policy.required == ("team", "environment", "cost-center", "feature", "component")
    # The child's list replaces the baseline's (which also allowed sandbox).
    assert policy.allowed == {
        "environment": AllowedValues(values=("dev", "test", "staging", "prod")),
        "cost-center": AllowedValues(pattern="^cc-[0-9]{4}$"),
    }
    assert policy.key_case == "lower"
    assert policy.environment_tag == "environment"
    assert policy.non_production == ("dev", "test", "sandbox")
    assert policy.production == ("prod", "production")
    assert policy.governance == Governance(regions=("us-east-1", "eu-west-1"), max_instance_size="xlarge",
                                           schedule_tag="schedule")
    assert policy.rules == {"COST004": RuleConfig(severity="warning")}
    assert policy.rule_config("COST004").severity == "warning"
    assert policy.rule_config("TAG001") == RuleConfig()
    assert policy.ignores == (
        IgnoreEntry(
            rule="TAG001",
            resource="aws_s3_bucket.legacy_*",
            reason="migrating",
            expires=datetime.date(2027, 3, 31),
            file=str(policy_file),
            line=20,
        ),
    )
    assert policy.cost == CostSettings()


def test_design_example_validates_with_rule_schemas(tmp_path):
    policy_file = write(tmp_path / ".tagcheck.yaml", DESIGN_EXAMPLE)
    schemas = {"COST004": {"type": "object", "additionalProperties": False}, "TAG001": {}}
    assert load_policy(policy_file, rule_schemas=schemas).rule_config("COST004").severity == "warning"


def test_missing_keys_take_their_defaults(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", "version: 1\n"))

    assert policy.required == ()
    assert policy.allowed == {}
    assert policy.key_case is None
    assert policy.environment_tag == "environment"
    assert policy.non_production == ()
    assert policy.production == ("prod", "production")
    assert policy.governance == Governance()
    assert policy.rules == {}
    assert policy.ignores == ()
    assert policy.cost == CostSettings()
    assert policy.rule_config("TAG001") == RuleConfig(enabled=True, severity=None, options={})


def test_rule_options_are_everything_but_enabled_and_severity(tmp_path):
    policy = load_policy(
        write(
            tmp_path / "p.yaml",
            "version: 1\nrules:\n  TAG003: {enabled: false, severity: info, max_distance: 2}\n",
        )
    )
    assert policy.rule_config("TAG003") == RuleConfig(enabled=False, severity="info", options={"max_distance": 2})


def test_ignore_resource_defaults_to_every_resource(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", "version: 1\nignore:\n  - rule: TAG*\n    reason: legacy\n"))
    (entry,) = policy.ignores
    assert (entry.rule, entry.resource, entry.expires, entry.line) == ("TAG*", "*", None, 3)
    assert entry.matches("TAG004", "aws_instance.any")


def test_governance_room_for_families_and_prohibited_types(tmp_path):
    text = """\
version: 1
governance:
  allowed_instance_families:
    dev: [t3, t4g]
  prohibited_types:
    dev: [aws_nat_gateway]
"""
    policy = load_policy(write(tmp_path / "p.yaml", text))
    assert policy.governance.allowed_instance_families == {"dev": ("t3", "t4g")}
    assert policy.governance.prohibited_types == {"dev": ("aws_nat_gateway",)}


def test_yaml_anchors_and_merge_keys(tmp_path):
    text = """\
version: 1
tags:
  allowed:
    environment: &envs [dev, prod]
    stage: *envs
cost:
  prices:
    defaults: &defaults {hours: 730, currency: USD}
    dev:
      <<: *defaults
      hours: 220
"""
    policy = load_policy(write(tmp_path / "p.yaml", text))
    assert policy.allowed["stage"] == AllowedValues(values=("dev", "prod"))
    assert policy.cost.prices["dev"] == {"hours": 220, "currency": "USD"}


def test_timestamps_stay_text_in_value_lists(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", "version: 1\ntags:\n  allowed:\n    since: [2024-01-01]\n"))
    assert policy.allowed["since"].permits("2024-01-01")


# --- discovery -------------------------------------------------------------------


def test_find_policy_walks_upward_from_a_directory_or_a_file(tmp_path):
    found = write(tmp_path / "a" / ".tagcheck.yml", "version: 1\n")
    deep = tmp_path / "a" / "b" / "c"
    tf_file = write(deep / "main.tf", "")

    assert find_policy(deep) == found
    assert find_policy(tf_file) == found
    assert find_policy(tmp_path / "a") == found


def test_find_policy_takes_the_nearest_and_prefers_yaml_over_yml(tmp_path):
    write(tmp_path / ".tagcheck.yaml", "version: 1\n")
    write(tmp_path / "b" / ".tagcheck.yml", "version: 1\n")
    nearest = write(tmp_path / "b" / ".tagcheck.yaml", "version: 1\n")

    assert POLICY_FILENAMES == (".tagcheck.yaml", ".tagcheck.yml")
    assert find_policy(tmp_path / "b" / "c") == nearest


def test_find_policy_returns_a_relative_start_as_absolute(tmp_path, monkeypatch):
    found = write(tmp_path / ".tagcheck.yaml", "version: 1\n")
    (tmp_path / "mod").mkdir()
    monkeypatch.chdir(tmp_path / "mod")
    assert find_policy(Path(".")) == found


def _no_policy_above(path: Path) -> bool:
    return all(not (d / n).exists() for d in (path, *path.parents) for n in POLICY_FILENAMES)


def test_load_policy_uses_the_discovered_file(tmp_path):
    policy_file = write(tmp_path / ".tagcheck.yaml", "version: 1\ntags:\n  required: [owner]\n")
    policy = load_policy(start=tmp_path / "modules" / "app")
    assert policy.source == str(policy_file)
    assert policy.required == ("owner",)


def test_without_a_policy_file_the_baseline_applies(tmp_path, monkeypatch):
    if not _no_policy_above(tmp_path):
        pytest.skip("a policy file exists above the temporary directory")
    assert find_policy(tmp_path) is None

    policy = load_policy(start=tmp_path)
    monkeypatch.chdir(tmp_path)
    from_cwd = load_policy()

    assert policy == from_cwd
    assert policy.source is None
    assert policy.files == (str(BASELINE),)
    assert policy.required == ("team", "environment", "cost-center")
    assert policy.allowed == {"environment": AllowedValues(values=("dev", "test", "staging", "prod", "sandbox"))}
    assert policy.key_case == "lower"
    assert policy.environment_tag == "environment"
    assert policy.non_production == ("dev", "test", "sandbox")
    assert policy.governance == Governance(max_instance_size="xlarge", schedule_tag="schedule")


# --- extends ------------------------------------------------------------------------


def test_extends_a_relative_path_child_wins_and_lists_merge(tmp_path):
    write(
        tmp_path / "shared" / "base.yaml",
        """\
version: 1
tags:
  required: [team, owner]
  allowed:
    environment: [dev, prod]
    cost-center: [cc-1]
rules:
  TAG003: {severity: warning, max_distance: 2}
ignore:
  - {rule: TAG001, resource: 'aws_s3_bucket.old', reason: base}
cost:
  spot_discount: {default: 0.5, p3: 0.7}
""",
    )
    child = write(
        tmp_path / "team" / "policy.yaml",
        """\
version: 1
extends: [../shared/base.yaml]
tags:
  required: [owner, feature]
  allowed:
    cost-center: {pattern: 'cc-[0-9]+'}
rules:
  TAG003: {enabled: false}
ignore:
  - {rule: TAG002, reason: child}
cost:
  spot_discount: {default: 0.6}
""",
    )
    policy = load_policy(child)

    base_file = os.path.normpath(tmp_path / "shared" / "base.yaml")
    assert policy.files == (base_file, str(child))
    assert policy.required == ("team", "owner", "feature")
    assert policy.allowed == {
        "environment": AllowedValues(values=("dev", "prod")),
        "cost-center": AllowedValues(pattern="cc-[0-9]+"),  # replaced whole, not mixed
    }
    assert policy.rule_config("TAG003") == RuleConfig(enabled=False, severity="warning", options={"max_distance": 2})
    assert [(e.reason, e.file, e.line) for e in policy.ignores] == [("base", base_file, 10), ("child", str(child), 10)]
    assert policy.cost == CostSettings(spot_discount={"default": 0.6, "p3": 0.7})


def test_later_bases_win_and_a_shared_base_counts_once(tmp_path):
    write(tmp_path / "root.yaml", "version: 1\nignore:\n  - {rule: TAG001, reason: root}\n")
    write(tmp_path / "a.yaml", "version: 1\nextends: [root.yaml]\ntags:\n  key_case: snake\n")
    write(tmp_path / "b.yaml", "version: 1\nextends: [root.yaml]\ntags:\n  key_case: kebab\n")
    child = write(tmp_path / "child.yaml", "version: 1\nextends: [a.yaml, b.yaml]\n")

    policy = load_policy(child)

    assert policy.key_case == "kebab"
    assert [e.reason for e in policy.ignores] == ["root"]
    assert [Path(f).name for f in policy.files] == ["root.yaml", "a.yaml", "b.yaml", "child.yaml"]


def test_extends_accepts_a_single_name(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", "version: 1\nextends: finops-baseline\n"))
    assert policy.required == ("team", "environment", "cost-center")


# --- shipped files --------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(policy_schema())


@pytest.mark.parametrize("name", shipped_policy_names())
def test_shipped_policies_are_valid(name):
    # At run time shipped policies are trusted and not validated; this is the check.
    path = SHIPPED_POLICIES_DIR / f"{name}.yaml"
    validate_document(read_yaml_document(path.read_text(encoding="utf-8"), str(path)))


def test_baseline_is_shipped():
    assert "finops-baseline" in shipped_policy_names()


def test_starter_policy_loads(tmp_path):
    text = starter_policy_text()
    assert text.startswith("#") and "extends: [finops-baseline]" in text

    policy = load_policy(write(tmp_path / ".tagcheck.yaml", text), rule_schemas={})

    assert policy.required == ("team", "environment", "cost-center", "feature", "component")
    assert policy.key_case == "lower"
    assert policy.production == ("prod",)


def test_starter_policy_commented_examples_are_valid(tmp_path):
    # Uncommenting the examples must give a valid file too. Example lines are the
    # comments that read as YAML: indented, or starting with `lowercase_key:`.
    example = re.compile(r"^(\s*)# (\s+\S|[a-z_-]+:(\s|$))")
    lines = [example.sub(r"\1\2", line) for line in starter_policy_text().splitlines()]
    uncommented = "\n".join(lines) + "\n"
    assert "\nrules:\n" in uncommented and "\nignore:\n" in uncommented

    policy = load_policy(write(tmp_path / ".tagcheck.yaml", uncommented))

    assert policy.allowed["cost-center"] == AllowedValues(pattern="^cc-[0-9]{4}$")
    assert policy.governance.regions == ("us-east-1", "eu-west-1")
    assert policy.rule_config("TAG005").enabled is False
    assert policy.ignores[0].expires == datetime.date(2027, 3, 31)
