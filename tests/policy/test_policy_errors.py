"""Every kind of bad policy names its file, line and key."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from tagcheck.policy import PolicyError, load_policy

RULE_SCHEMAS = {
    "TAG001": {"type": "object", "additionalProperties": False},
    "COST201": {
        "type": "object",
        "properties": {"threshold_percent": {"type": "number", "minimum": 0, "maximum": 100}},
        "additionalProperties": False,
    },
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path, **kwargs) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_policy(path, **kwargs)
    return caught.value


def where(error: PolicyError) -> tuple[str | None, int | None, str | None]:
    return error.file, error.line, error.key


@pytest.mark.parametrize(
    "text, line, key, message",
    [
        pytest.param(
            "version: 1\ntag:\n  required: [team]\n",
            2, "tag", "unknown key 'tag' (did you mean 'tags'?)",
            id="unknown-top-level-key",
        ),
        pytest.param(
            "version: 1\ngovernance:\n  non_production:\n    max_size: large\n",
            4, "governance.non_production.max_size", "unknown key 'max_size' (did you mean 'max_instance_size'?)",
            id="unknown-nested-key",
        ),
        pytest.param(
            "version: 1\ntags:\n  allowed:\n    cost-center: {regex: '^cc$'}\n",
            4, "tags.allowed.cost-center.regex", "unknown key 'regex' (expected one of: pattern)",
            id="unknown-key-reported-before-missing-pattern",
        ),
        pytest.param(
            "version: 1\ntags:\n  required: team\n",
            3, "tags.required", "expected a list, got 'team'",
            id="wrong-type",
        ),
        pytest.param(
            "version: 1\ntags:\n  required:\n    - team\n    - yes\n",
            5, "tags.required[1]", "expected a string, got true; quote it to keep it as text",
            id="wrong-type-in-list",
        ),
        pytest.param(
            "version: 1\ntags:\n  allowed:\n    environment: prod\n",
            4, "tags.allowed.environment", "expected a list or a mapping, got 'prod'",
            id="allowed-neither-list-nor-pattern",
        ),
        pytest.param(
            "version: 1\ntags:\n  allowed:\n    environment: []\n",
            4, "tags.allowed.environment", "must list at least one value",
            id="allowed-empty-list",
        ),
        pytest.param(
            "version: 1\ntags:\n  key_case: Lower\n",
            3, "tags.key_case", "must be one of lower, upper, kebab, snake, camel, pascal, any; got 'Lower'",
            id="bad-enum",
        ),
        pytest.param(
            "version: 1\ntags:\n  required: [team, owner, team]\n",
            3, "tags.required[2]", "duplicate entry 'team'",
            id="duplicate-list-entry",
        ),
        pytest.param(
            "# policy\nversion: 2\n",
            2, "version", "must be 1, got 2",
            id="bad-version",
        ),
        pytest.param(
            "# policy\ntags: {required: [team]}\n",
            2, "version", "required key 'version' is missing",  # the line the document starts on
            id="missing-version",
        ),
        pytest.param(
            "version: 1\ntags:\n  allowed:\n    cost-center: {pattern: '^cc-[0-9{4}$'}\n",
            4, "tags.allowed.cost-center.pattern", "invalid regular expression: unterminated character set at position 4",
            id="bad-regex",
        ),
        pytest.param(
            "version: 1\ntags:\n  allowed:\n    team: [a]\n    owner: [b]\n    team: [c]\n",
            6, "tags.allowed.team", "duplicate key 'team' (first at line 4)",
            id="duplicate-key",
        ),
        pytest.param(
            "version: 1\ntags:\n  allowed:\n    2024: [a]\n",
            4, "tags.allowed", "key 2024 must be a string; quote it: '2024'",
            id="non-string-key",
        ),
        pytest.param(
            "version: 1\nrules:\n  cost4: {severity: warning}\n",
            3, "rules.cost4", "invalid key 'cost4': expected a rule id like TAG001 (2-4 capital letters, 3 digits)",
            id="malformed-rule-id",
        ),
        pytest.param(
            "version: 1\nrules:\n  TAG001:\n    severity: high\n",
            4, "rules.TAG001.severity", "must be one of error, warning, info; got 'high'",
            id="bad-severity",
        ),
        pytest.param(
            "version: 1\nignore:\n  - rule: TAG001\n    resource: aws_s3_bucket.x\n",
            3, "ignore[0].reason", "required key 'reason' is missing",
            id="ignore-without-reason",
        ),
        pytest.param(
            "version: 1\nignore:\n  - rule: TAG001\n    reason: r\n    expires: 2027-02-30\n",
            5, "ignore[0].expires", "invalid date '2027-02-30': day is out of range for month",
            id="ignore-impossible-date",
        ),
        pytest.param(
            "version: 1\nignore:\n  - {rule: TAG001, reason: r, expires: 31/03/2027}\n",
            3, "ignore[0].expires", "expected a date as YYYY-MM-DD, got '31/03/2027'",
            id="ignore-date-format",
        ),
        pytest.param(
            "version: 1\ngovernance:\n  regions: [us-east-1, eu-west1]\n",
            3, "governance.regions[1]", "expected an AWS region like us-east-1, got 'eu-west1'",
            id="bad-region",
        ),
    ],
)
def test_schema_and_value_errors(tmp_path, text, line, key, message):
    policy_file = write(tmp_path / ".tagcheck.yaml", text)

    error = load_error(policy_file)

    assert where(error) == (str(policy_file), line, key)
    assert error.message == message
    assert str(error) == f"{policy_file}:{line}: {key}: {message}"


def test_yaml_syntax_error_gives_its_line(tmp_path):
    policy_file = write(tmp_path / ".tagcheck.yaml", "version: 1\ntags:\n  required: [team\n  key_case: lower\n")

    error = load_error(policy_file)

    assert where(error) == (str(policy_file), 4, None)
    assert error.message.startswith("invalid YAML: ")
    assert str(error) == f"{policy_file}:4: {error.message}"
    assert "\n" not in str(error)


def test_bad_indentation_is_a_syntax_error(tmp_path):
    policy_file = write(tmp_path / ".tagcheck.yaml", "version: 1\ntags:\n  required: [team]\n key_case: lower\n")
    assert where(load_error(policy_file)) == (str(policy_file), 4, None)


def test_several_errors_first_by_line_rest_attached(tmp_path):
    policy_file = write(tmp_path / ".tagcheck.yaml", "version: 2\nfoo: 1\ntags: []\n")

    error = load_error(policy_file)

    assert (error.line, error.key) == (1, "version")
    assert [(e.line, e.key) for e in error.further_errors] == [(2, "foo"), (3, "tags")]


def test_an_error_in_a_base_names_the_base(tmp_path):
    base = write(tmp_path / "base.yaml", "version: 1\ntags:\n  requird: [team]\n")
    child = write(tmp_path / "child.yaml", "version: 1\nextends: [base.yaml]\n")

    error = load_error(child)

    assert where(error) == (os.path.normpath(base), 3, "tags.requird")
    assert error.message == "unknown key 'requird' (did you mean 'required'?)"


def test_extends_cycle_names_the_cycle(tmp_path):
    a = write(tmp_path / "a.yaml", "version: 1\nextends: [b.yaml]\n")
    b = write(tmp_path / "b.yaml", "version: 1\ntags:\n  key_case: lower\nextends:\n  - a.yaml\n")

    error = load_error(a)

    assert where(error) == (str(b), 5, "extends[0]")
    assert error.message == f"extends cycle: {a} -> {b} -> {a}"


def test_a_file_extending_itself_is_a_cycle(tmp_path):
    a = write(tmp_path / "a.yaml", "version: 1\nextends: [./a.yaml]\n")
    error = load_error(a)
    assert where(error) == (str(a), 2, "extends[0]")
    assert error.message == f"extends cycle: {a} -> {a}"


def test_missing_extends_file_names_the_referrer_and_line(tmp_path):
    policy_file = write(tmp_path / "p.yaml", "version: 1\nextends:\n  - finops-baseline\n  - shared/base.yaml\n")

    error = load_error(policy_file)

    assert where(error) == (str(policy_file), 4, "extends[1]")
    assert error.message == f"extended policy file not found: {tmp_path / 'shared' / 'base.yaml'}"


def test_unknown_shipped_policy_name(tmp_path):
    policy_file = write(tmp_path / "p.yaml", "version: 1\nextends: [finops-basline]\n")

    error = load_error(policy_file)

    assert where(error) == (str(policy_file), 2, "extends[0]")
    assert error.message.startswith("unknown shipped policy 'finops-basline' (shipped: finops-baseline")


def test_missing_policy_file(tmp_path):
    error = load_error(tmp_path / "nope.yaml")
    assert where(error) == (str(tmp_path / "nope.yaml"), None, None)
    assert str(error) == f"{tmp_path / 'nope.yaml'}: policy file not found"


def test_unknown_rule_id_with_options_with_rule_schemas(tmp_path):
    policy_file = write(tmp_path / ".tagcheck.yaml",
                        "version: 1\nrules:\n  TAG001: {severity: info}\n  COST299: {threshold: 3}\n")

    error = load_error(policy_file, rule_schemas=RULE_SCHEMAS)

    assert where(error) == (str(policy_file), 4, "rules.COST299")
    assert error.message.startswith("unknown rule 'COST299'")


def test_unknown_rule_id_with_only_severity_is_accepted(tmp_path):
    # a policy shared with another tagcheck version (DESIGN.md's example names COST004)
    policy_file = write(tmp_path / ".tagcheck.yaml", "version: 1\nrules:\n  COST004: {severity: warning}\n")
    assert load_policy(policy_file, rule_schemas=RULE_SCHEMAS).rule_config("COST004").severity == "warning"


def test_any_rule_id_is_accepted_without_rule_schemas(tmp_path):
    policy_file = write(tmp_path / ".tagcheck.yaml", "version: 1\nrules:\n  COST210: {thresold: 5}\n")
    assert load_policy(policy_file).rule_config("COST210").options == {"thresold": 5}


def test_misspelt_rule_option_with_rule_schemas(tmp_path):
    text = "version: 1\nrules:\n  COST201:\n    severity: warning\n    threshold_percnt: 40\n"
    policy_file = write(tmp_path / ".tagcheck.yaml", text)

    error = load_error(policy_file, rule_schemas=RULE_SCHEMAS)

    assert where(error) == (str(policy_file), 5, "rules.COST201.threshold_percnt")
    assert error.message == "unknown key 'threshold_percnt' (did you mean 'threshold_percent'?)"


def test_rule_option_of_the_wrong_type_with_rule_schemas(tmp_path):
    text = "version: 1\nrules:\n  COST201: {threshold_percent: forty}\n"
    policy_file = write(tmp_path / ".tagcheck.yaml", text)

    error = load_error(policy_file, rule_schemas=RULE_SCHEMAS)

    assert where(error) == (str(policy_file), 3, "rules.COST201.threshold_percent")
    assert error.message == "expected a number, got 'forty'"


def test_policy_error_string_omits_missing_parts():
    assert str(PolicyError("boom")) == "boom"
    assert str(PolicyError("boom", file="p.yaml")) == "p.yaml: boom"
    assert str(PolicyError("boom", file="p.yaml", line=3)) == "p.yaml:3: boom"
    assert str(PolicyError("boom", file="p.yaml", key="tags")) == "p.yaml: tags: boom"
    assert str(PolicyError("two\nlines", file="p.yaml", line=3, key="tags")) == "p.yaml:3: tags: two lines"


def test_a_directory_given_as_the_policy(tmp_path):
    assert str(load_error(tmp_path)) == f"{tmp_path}: is a directory, not a policy file"


def test_policy_error_survives_pickling(tmp_path):
    error = PolicyError("boom", file="p.yaml", line=3, key="tags", further_errors=(PolicyError("more"),))
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.file, copy.line, copy.key, copy.message, str(copy)) == ("p.yaml", 3, "tags", "boom", str(error))
    assert str(copy.further_errors[0]) == "more"
