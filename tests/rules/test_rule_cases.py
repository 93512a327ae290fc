"""Golden pass/fail cases for the COST and GOV rules, one YAML file per rule (sqlfluff style).

Each ``cases/<RULE>.yaml`` is an oracle written from the price catalogue
(``src/tagcheck/catalog/data/prices_aws.json``, 730 h a month), DESIGN.md §3–§4 and the
rule's own documentation (``tagcheck explain RULE``) — not from what tagcheck prints.
Every dollar figure carries its arithmetic as a YAML comment. Shape::

    rule: COST202
    policy: |            # optional, for every case of the file; a case may set its own
      version: 1         # (``policy: null`` in a case: back to the default, cases/policy.yaml).
      extends: [policy.yaml]   # The harness copies cases/policy.yaml next to the case's
      rules: {COST202: {hours_per_week: 60}}   # policy as policy.yaml, so it can extend it.
    cases:
      - name: always-on dev instance
        tf: |
          provider "aws" { region = "us-east-1" }
          ...
        expect:
          - address: aws_instance.dev
            line: 2
            cost: 280.32       # monthly_cost_usd; null = must be None (input unknown)
            saving: 196.89     # monthly_saving_usd; null likewise
            key: ...           # optional: finding.key
            severity: warning  # optional: finding.severity.value
            message: [text, …] # optional: substrings of finding.message (a string for one)
            details: {suggested: m5.xlarge, combined_with_schedule_usd: 2034.35}  # optional
        xfail: "BUG: …"        # optional: tagcheck disagrees with the oracle (strict xfail)

``expect`` is the complete list of findings of the file's rule (other rules' findings
are ignored); ``[]`` means the rule must stay silent. Money is compared to the cent.
The scan runs with ``cwd`` = a temporary directory holding ``main.tf`` and the
policies, on a fixed date (2026-11-26).
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tagcheck import engine
from tagcheck.policy import load_policy
from tagcheck.rules import RULES_BY_ID, rule_schemas
from tagcheck.sources.terraform.source import scan

CASES = Path(__file__).parent / "cases"
SHARED_POLICY = CASES / "policy.yaml"
TODAY = datetime.date(2026, 11, 26)
CENT = 0.005
EXPECT_KEYS = {"address", "line", "cost", "saving", "key", "severity", "message", "details"}
CASE_KEYS = {"name", "tf", "policy", "expect", "xfail"}


def _rule_files() -> list[Path]:
    return sorted(p for p in CASES.glob("*.yaml") if p != SHARED_POLICY)


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _params():
    for path in _rule_files():
        spec = _load(path)
        for case in spec["cases"]:
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
            yield pytest.param(spec["rule"], spec.get("policy"), case, id=f"{path.stem}::{case['name']}", marks=marks)


# --- comparison ------------------------------------------------------------------------------

def _money_equal(expected: float | None, actual: float | None) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return actual == pytest.approx(expected, abs=CENT)


def _value_equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return actual == pytest.approx(expected, abs=CENT)
    if isinstance(expected, list) and isinstance(actual, (list, tuple)):
        return len(expected) == len(actual) and all(_value_equal(e, a) for e, a in zip(expected, actual))
    return expected == actual


def _describe(f) -> str:
    return (f"{f.resource.address if f.resource else f.location.file}:{f.location.line} key={f.key!r} "
            f"cost={f.monthly_cost_usd!r} saving={f.monthly_saving_usd!r} severity={f.severity.value} "
            f"message={f.message!r} details={dict(f.details)!r}")


def _mismatches(exp: dict, f) -> list[str]:
    out = []
    if f.location.line != exp["line"]:
        out.append(f"line: expected {exp['line']}, actual {f.location.line}")
    if not _money_equal(exp["cost"], f.monthly_cost_usd):
        out.append(f"monthly_cost_usd: expected {exp['cost']}, actual {f.monthly_cost_usd}")
    if not _money_equal(exp["saving"], f.monthly_saving_usd):
        out.append(f"monthly_saving_usd: expected {exp['saving']}, actual {f.monthly_saving_usd}")
    if "severity" in exp and f.severity.value != exp["severity"]:
        out.append(f"severity: expected {exp['severity']}, actual {f.severity.value}")
    messages = exp.get("message") or []
    for text in [messages] if isinstance(messages, str) else messages:
        if text not in f.message:
            out.append(f"message lacks {text!r}: {f.message!r}")
    for name, value in (exp.get("details") or {}).items():
        if name not in f.details and value is not None:
            out.append(f"details[{name!r}]: expected {value!r}, absent")
        elif not _value_equal(value, f.details.get(name)):
            out.append(f"details[{name!r}]: expected {value!r}, actual {f.details.get(name)!r}")
    return out


def _compare(expected: list[dict], findings: list) -> list[str]:
    """Pair each expectation with a finding on the same address (and key, when given)."""
    problems = []
    left = list(findings)
    for exp in expected:
        unknown = set(exp) - EXPECT_KEYS
        assert not unknown, f"unknown keys in expectation: {sorted(unknown)}"
        assert "cost" in exp and "saving" in exp, f"state cost and saving (null if none): {exp}"
        candidates = [f for f in left if f.resource is not None and f.resource.address == exp["address"]
                      and ("key" not in exp or f.key == exp["key"])]
        if not candidates:
            problems.append(f"expected but absent: {exp}")
            continue
        # the best candidate is the one with the fewest differences
        best = min(candidates, key=lambda f: len(_mismatches(exp, f)))
        left.remove(best)
        problems.extend(f"{exp['address']}: {m}" for m in _mismatches(exp, best))
    problems.extend(f"present but unexpected: {_describe(f)}" for f in left)
    return problems


# --- the test --------------------------------------------------------------------------------

def _policy_file(tmp_path: Path, text: str | None) -> Path:
    shutil.copy(SHARED_POLICY, tmp_path / "policy.yaml")
    if text is None:
        return tmp_path / "policy.yaml"
    path = tmp_path / "case-policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run_case(tmp_path: Path, tf: str, policy_text: str | None = None):
    (tmp_path / "main.tf").write_text(tf, encoding="utf-8")
    policy = load_policy(_policy_file(tmp_path, policy_text), rule_schemas=rule_schemas())
    scanned = scan([tmp_path], cwd=tmp_path)
    return engine.run(scanned.resources, scanned.problems, policy, today=TODAY)


@pytest.mark.parametrize("rule, file_policy, case", list(_params()))
def test_rule_case(tmp_path: Path, rule: str, file_policy: str | None, case: dict) -> None:
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"unknown keys in case: {sorted(unknown)}"
    result = run_case(tmp_path, case["tf"], case.get("policy", file_policy))
    crashes = [f.message for f in result.findings if f.rule == "TC000"]
    assert not crashes, crashes
    findings = [f for f in result.findings if f.rule == rule]
    problems = _compare(case["expect"] or [], findings)
    assert not problems, f"{rule} / {case['name']}:\n  " + "\n  ".join(problems)


# --- the suite itself ------------------------------------------------------------------------

COVERED = ["COST201", "COST202", "COST203", "COST204", "COST205", "COST206", "COST207",
           "GOV101", "GOV102", "GOV103"]


def test_every_cost_and_gov_rule_has_a_case_file() -> None:
    assert sorted(p.stem for p in _rule_files()) == sorted(COVERED)
    for rule in COVERED:
        assert rule in RULES_BY_ID


@pytest.mark.parametrize("path", _rule_files(), ids=lambda p: p.stem)
def test_case_file_is_well_formed(path: Path) -> None:
    spec = _load(path)
    assert spec["rule"] == path.stem
    names = [c["name"] for c in spec["cases"]]
    assert len(names) == len(set(names)), "case names must be unique"
    # every file shows at least one finding and at least one silent case
    assert any(c["expect"] for c in spec["cases"]) and any(not c["expect"] for c in spec["cases"])
    for case in spec["cases"]:
        if case.get("xfail"):
            assert str(case["xfail"]).startswith("BUG:"), case["name"]


# --- resource_types: the engine's shortcut must never hide a hit --------------------------------

def test_declared_resource_types_cover_every_hit(tmp_path: Path) -> None:
    """Each check is called on every resource of every case, past the engine's type filter:
    a hit on a type outside the rule's ``resource_types`` would be one the engine drops."""
    from tagcheck.rules import ALL_RULES
    from tagcheck.rules.registry import RuleContext
    from tagcheck.cost import CostModel

    declared = [r for r in ALL_RULES if r.check is not None and r.resource_types is not None]
    assert declared
    hits_seen = 0
    for index, (_rule, file_policy, case) in enumerate(p.values for p in _params()):
        work = tmp_path / str(index)
        work.mkdir()
        (work / "main.tf").write_text(case["tf"], encoding="utf-8")
        policy = load_policy(_policy_file(work, case.get("policy", file_policy)), rule_schemas=rule_schemas())
        resources = scan([work], cwd=work).resources
        ctx = RuleContext(policy=policy, today=TODAY, resources=tuple(resources),
                          costs=CostModel(engine.pricebook_for(policy), resources))
        for rule in declared:
            for resource in resources:
                hits = list(rule.check(resource, ctx))
                hits_seen += len(hits)
                assert not hits or resource.type in rule.resource_types, (rule.id, resource.type, case["name"])
    assert hits_seen > 50  # the cases do make the declared rules hit
