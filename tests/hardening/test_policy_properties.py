"""Property-based tests of the policy loader (issue #8): whatever the YAML, loading a
policy ends in a Policy or in one PolicyError naming the file — never another exception.

Documents are generated as nested dicts/lists/scalars and dumped with yaml; the keys are
drawn mostly from the policy's own vocabulary so that generation reaches past "unknown
key" into the schema, the value checks, the rule schemas and the contradiction checks.
"""

from __future__ import annotations

import datetime

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tagcheck.policy import PolicyError, load_policy
from tagcheck.rules import rule_schemas

VOCABULARY = ["version", "extends", "tags", "required", "allowed", "key_case", "pattern", "values", "environments",
              "tag", "non_production", "production", "governance", "regions", "max_instance_size", "schedule_tag",
              "allowed_instance_families", "prohibited_types", "rules", "TAG001", "COST201", "GOV101", "severity",
              "enabled", "ignore", "rule", "resource", "reason", "expires", "cost", "prices", "spot_discount",
              "default", "team", "Team", "cost-center", "cost_center", "environment", "dev", "prod"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(VOCABULARY + ["lower", "kebab", "camel", "error", "warning", "^cc-[0-9]{4}$", "[", "(a+)+$",
                                  "2027-02-30", "2027-03-31", "us-east-1", "xlarge", "finops-baseline", "nope.yaml",
                                  "", " ", "*", "../x.yaml"]),
    st.text(max_size=12), st.dates(min_value=datetime.date(2000, 1, 1)),
)
KEYS = st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=8))
DOCS = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(KEYS, inner, max_size=5)), max_leaves=20)
POLICY_LIKE = st.fixed_dictionaries({"version": st.one_of(st.just(1), SCALARS)},
                                    optional={k: DOCS for k in ("tags", "environments", "governance", "rules",
                                                                "ignore", "cost", "extends")})
SETTINGS = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _load(tmp_path, text: str):
    path = tmp_path / ".tagcheck.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        return load_policy(path, rule_schemas=rule_schemas())
    except PolicyError as exc:
        assert exc.file is not None and "\n" not in str(exc)
        return exc


@SETTINGS
@given(DOCS)
def test_random_yaml_documents_load_or_fail_cleanly(tmp_path, doc):
    _load(tmp_path, yaml.safe_dump(doc, allow_unicode=True))


@SETTINGS
@given(POLICY_LIKE)
def test_policy_shaped_documents_load_or_fail_cleanly(tmp_path, doc):
    _load(tmp_path, yaml.safe_dump(doc, allow_unicode=True))


@SETTINGS
@given(st.text(max_size=200))
def test_random_text_loads_or_fails_cleanly(tmp_path, text):
    _load(tmp_path, text.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


@SETTINGS
@given(st.lists(st.sampled_from(["version: 1\n", "tags:\n", "  required: [team]\n", "  key_case: upper\n",
                                 "  allowed:\n", "    team: ['']\n", "environments:\n", "  non_production: [prod]\n",
                                 "extends: [finops-baseline]\n", "&a ", "*a\n", "<<: *a\n", "- x\n", "  ", "{", "[",
                                 "'", '"', ": ", "!!python/object:os.system {}\n", "? ", "---\n", "\t"]), max_size=12))
def test_spliced_policy_fragments_load_or_fail_cleanly(tmp_path, parts):
    _load(tmp_path, "".join(parts))
