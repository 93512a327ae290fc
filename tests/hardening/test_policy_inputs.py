"""Bad policies (issue #8): one clear message with file, line and key each, exit 2 from
the CLI. tests/policy/test_policy_errors.py covers the schema errors one by one; this adds
what it does not — hostile YAML, numbers and regexes Python cannot take, contradictory
policies — and the CLI contract for the main kinds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagcheck.cli import main
from tagcheck.policy import PolicyError, load_policy, shipped_policy_names
from tagcheck.policy.consistency import contradictions, fits_key_case
from tagcheck.policy.loader import SHIPPED_POLICIES_DIR
from tagcheck.rules import rule_schemas


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_policy(path, rule_schemas=rule_schemas())
    return caught.value


# --- the CLI: exit 2, one line naming file, line and key -------------------------------------

@pytest.mark.parametrize("text, line, key, fragment", [
    ("version: 1\ntags:\n  required: team\n", 3, "tags.required", "expected a list, got 'team'"),
    ("version: 1\ntags:\n  requird: [team]\n", 3, "tags.requird", "unknown key 'requird'"),
    ("version: 1\ntags:\n  allowed:\n    cc: {pattern: '^cc-[0-9{4}$'}\n", 4, "tags.allowed.cc.pattern",
     "invalid regular expression"),
    ("version: 1\ntags:\n  required: [team, Team]\n", 3, "tags.required[1]", "contradictory policy"),
    ("version: 1\nextends: [./.tagcheck.yaml]\n", 2, "extends[0]", "extends cycle"),
    ("version: 1\nextends: [nope/base.yaml]\n", 2, "extends[0]", "extended policy file not found"),
    ("version: 1\ntags: !!python/object:os.system {}\n", 2, "tags", "unsupported YAML tag"),
])
def test_cli_exits_2_with_one_line_naming_file_line_and_key(tmp_path, capsys, text, line, key, fragment):
    policy = write(tmp_path / ".tagcheck.yaml", text)
    write(tmp_path / "main.tf", 'resource "aws_sqs_queue" "q" {}\n')
    status = main(["scan", str(tmp_path), "--no-cache"])
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith(f"tagcheck: error: {policy}:{line}: {key}: ") and fragment in lines[0]


def test_cli_exits_2_on_a_missing_policy_file(tmp_path, capsys):
    status = main(["scan", str(tmp_path), "--policy", str(tmp_path / "nope.yaml")])
    assert status == 2
    assert capsys.readouterr().err == f"tagcheck: error: {tmp_path / 'nope.yaml'}: policy file not found\n"


# --- hostile or odd YAML ---------------------------------------------------------------------

@pytest.mark.parametrize("text, line, key, message", [
    ("version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n", None, None, "invalid YAML: nested more than 64 levels deep"),
    ("version: 1\ntags:\n" + "".join("  " * (i + 2) + f"k{i}:\n" for i in range(70)), 67,
     "tags." + ".".join(f"k{i}" for i in range(63)), "nested more than 64 levels deep"),
    ("version: 1\nrules:\n  COST201: {threshold_percent: " + "9" * 5000 + "}\n", 3, "rules.COST201.threshold_percent",
     None),
    ("version: 1\ncost:\n  spot_discount: {default: .nan}\n", 3, "cost.spot_discount.default",
     "must be a finite number, got .nan"),
    ("version: 1\ncost:\n  spot_discount: {default: -.inf}\n", 3, "cost.spot_discount.default",
     "must be a finite number, got -.inf"),
    ("version: 1\ntags: !foo {}\n", 2, "tags", "unsupported YAML tag !foo"),
    ("version: 1\ntags:\n  allowed:\n    x: {pattern: 'a{99999999999}'}\n", 4, "tags.allowed.x.pattern",
     "invalid regular expression: the repetition number is too large"),
    ("version: 1\ntags:\n  allowed:\n    x: {pattern: '" + "(" * 1500 + ")" * 1500 + "'}\n", 4,
     "tags.allowed.x.pattern", "invalid regular expression: nested too deeply"),
    ("version: 1\nextends: ['~no-such-user-here/p.yaml']\n", 2, "extends[0]", None),
    ("version: 1\nextends: [./]\n", 2, "extends[0]", None),
])
def test_hostile_yaml_is_one_located_error(tmp_path, text, line, key, message):
    policy = write(tmp_path / "p.yaml", text)
    error = error_of(policy)
    assert (error.file, error.line, error.key) == (str(policy), line, key)
    if message is not None:
        assert error.message == message
    assert "\n" not in str(error)


def test_a_key_with_a_newline_or_escape_stays_on_one_printable_line(tmp_path):
    policy = write(tmp_path / "p.yaml", 'version: 1\n"bad\\nkey\\e[31m": 1\n')
    text = str(error_of(policy))
    assert text.isprintable() and "bad\\nkey\\x1b[31m" in text


@pytest.mark.parametrize("data", [b"\xef\xbb\xbfversion: 1\n", b"version: 1\r\ntags:\r\n  required: [team]\r\n"])
def test_bom_and_crlf_are_fine(tmp_path, data):
    assert load_policy(write(tmp_path / "p.yaml", data)).source == str(tmp_path / "p.yaml")


def test_a_policy_that_is_not_utf8_or_is_binary(tmp_path):
    for data in ("version: 1\n# caf\xe9\n".encode("latin-1"), bytes(range(256))):
        policy = write(tmp_path / "p.yaml", data)
        assert str(error_of(policy)) == f"{policy}: policy file is not UTF-8 text"


# --- contradictory policies ------------------------------------------------------------------

@pytest.mark.parametrize("text, line, key, message", [
    pytest.param("version: 1\ntags:\n  required: [owner]\n  allowed:\n    owner: ['', ' ']\n", 5, "tags.allowed.owner",
                 "contradictory policy: tag 'owner' is required but its only allowed value is blank: an empty value "
                 "fails TAG004 and any other value fails TAG002", id="required-key-with-only-blank-values"),
    pytest.param("version: 1\nenvironments:\n  production: [prod, live]\n  non_production: [dev, live]\n", 4,
                 "environments.non_production[1]",
                 "contradictory policy: environment 'live' is listed both as production and as non-production",
                 id="production-and-non-production"),
    pytest.param("version: 1\nenvironments:\n  non_production: [dev, prod]\n", 3, "environments.non_production[1]",
                 "contradictory policy: environment 'prod' is listed both as production and as non-production "
                 "(environments.production defaults to prod, production)", id="non-production-and-default-production"),
    pytest.param("version: 1\ntags:\n  required:\n    - cost-center\n    - team\n    - cost_center\n", 6,
                 "tags.required[2]", "contradictory policy: required tags 'cost-center' and 'cost_center' differ only "
                 "in case or separators; tagcheck treats one as a misspelling of the other (TAG003), so a resource "
                 "cannot satisfy both cleanly", id="same-key-twice"),
    pytest.param("version: 1\ntags:\n  key_case: kebab\n  required: [team, CostCenter]\n", 4, "tags.required[1]",
                 "contradictory policy: tag key 'CostCenter' does not follow the policy's own key_case: kebab",
                 id="key-case-vs-required"),
    pytest.param("version: 1\ntags:\n  key_case: lower\nenvironments:\n  tag: Env\n", 5, "environments.tag",
                 "contradictory policy: tag key 'Env' does not follow the policy's own key_case: lower",
                 id="key-case-vs-environment-tag"),
])
def test_contradictions_are_policy_errors_with_line_and_key(tmp_path, text, line, key, message):
    policy = write(tmp_path / "p.yaml", text)
    error = error_of(policy)
    assert (error.file, error.line, error.key, error.message) == (str(policy), line, key, message)


def test_a_contradiction_with_a_base_is_reported_in_the_file_that_brings_it(tmp_path):
    """The baseline requires team, environment, cost-center (lower case); a child that asks
    for upper-case keys contradicts it — at the child's key_case line."""
    child = write(tmp_path / "p.yaml", "version: 1\nextends: [finops-baseline]\ntags:\n  key_case: upper\n")
    error = error_of(child)
    assert (error.file, error.line, error.key) == (str(child), 4, "tags.key_case")
    messages = [e.message for e in (error, *error.further_errors)]
    assert messages == [f"contradictory policy: tag key {k!r} does not follow the policy's own key_case: upper"
                        for k in ("cost-center", "environment", "schedule", "team")]


def test_a_contradiction_between_two_bases_is_reported_at_extends(tmp_path):
    write(tmp_path / "a.yaml", "version: 1\nenvironments:\n  production: [prod, live]\n")
    write(tmp_path / "b.yaml", "version: 1\nenvironments:\n  non_production: [dev, live]\n")
    child = write(tmp_path / "p.yaml", "version: 1\nextends:\n  - a.yaml\n  - b.yaml\n")
    error = error_of(child)
    assert (error.file, error.line, error.key) == (str(child), 2, "extends")
    assert error.message == ("contradictory policy (from the policies it extends): environment 'live' is listed "
                             "both as production and as non-production")


def test_a_contradiction_inside_a_base_names_the_base(tmp_path):
    base = write(tmp_path / "base.yaml", "version: 1\ntags:\n  required: [team, Team]\n")
    child = write(tmp_path / "p.yaml", "version: 1\nextends: [base.yaml]\n")
    error = error_of(child)
    assert (error.file, error.line, error.key) == (str(base), 3, "tags.required[1]")


@pytest.mark.parametrize("text", [
    "version: 1\nextends: [finops-baseline]\ntags:\n  key_case: kebab\n  required: [owner]\n",
    "version: 1\ntags:\n  required: [team]\n  allowed:\n    team: [a, '']\n",  # blank allowed among others
    "version: 1\ntags:\n  allowed:\n    owner: ['']\n",  # not required: an empty value is allowed
    "version: 1\nenvironments:\n  production: [live]\n  non_production: [prod]\n",  # production overridden
    "version: 1\ntags:\n  key_case: camel\n  required: [costCenter, acme:team]\n",
    "version: 1\ntags:\n  key_case: any\n  required: [Team, cost_center]\n",
])
def test_consistent_policies_load(tmp_path, text):
    load_policy(write(tmp_path / "p.yaml", text), rule_schemas=rule_schemas())


@pytest.mark.parametrize("name", shipped_policy_names())
def test_shipped_policies_are_not_contradictory(name):
    from tagcheck.policy.yamlread import read_yaml_document

    doc = read_yaml_document((SHIPPED_POLICIES_DIR / f"{name}.yaml").read_text(encoding="utf-8"), name)
    settings = {k: v for k, v in doc.data.items() if k not in ("version", "extends", "ignore")}
    assert contradictions(settings) == []


@pytest.mark.parametrize("key, case, fits", [
    ("cost-center", "kebab", True), ("cost_center", "kebab", False), ("cost_center", "snake", True),
    ("costCenter", "camel", True), ("CostCenter", "camel", False), ("CostCenter", "pascal", True),
    ("TEAM", "upper", True), ("Team", "lower", False), ("acme:cost-center", "kebab", True),
    ("kubernetes.io/cluster", "kebab", True), ("Anything", None, True), ("Anything", "any", True),
])
def test_key_case_conventions(key, case, fits):
    assert fits_key_case(key, case) is fits
