"""Golden pass/fail cases, one YAML file per rule (sqlfluff style): every rule has one.

**Coverage.** Every rule id in :data:`tagcheck.rules.RULES_BY_ID` has ``cases/<RULE>.yaml``,
unless :data:`NO_CASE_FILE` names it with the reason no case can trigger it (TC000 is a
tagcheck bug; the COST21x rules read live-account evidence that Terraform cannot express).
The required set is derived from the registry: a new rule fails
``test_every_rule_has_a_case_file_or_a_reasoned_exemption`` until it has a case file or an
exemption with its reason. Live-only rules are also checked to stay silent on every case.

Each ``cases/<RULE>.yaml`` is an oracle written from DESIGN.md §2–§4, the price catalogue
(``src/tagcheck/catalog/data/prices_aws.json``, 730 h a month) and the rule's own
documentation (``tagcheck explain RULE``) — not from what tagcheck prints. Every dollar
figure carries its arithmetic as a YAML comment. Shape::

    rule: COST202
    policy: |            # optional, for every case of the file; a case may set its own
      version: 1         # (``policy: null`` in a case: back to the default, cases/policy.yaml).
      extends: [policy.yaml]   # The harness copies cases/policy.yaml next to the case's
      rules: {COST202: {hours_per_week: 60}}   # policy as policy.yaml, so it can extend it.
    cases:
      - name: always-on dev instance
        tf: |              # main.tf
          provider "aws" { region = "us-east-1" }
          ...
        files:             # optional: more files of the case, path (relative, "/" allowed,
          modules/app/main.tf: |   # no "..") → text; e.g. a local module, terraform.tfvars
            resource "aws_s3_bucket" "data" { ... }
        expect:
          - address: aws_instance.dev   # finding.resource.address; omit it for a finding
                                        # with no resource (TC001/TC003/TC004, a TC002 on a
                                        # policy ignore entry): then ``file`` pairs it
            file: main.tf      # optional, default main.tf: location.file, relative to the
                               # case directory (the scan's cwd). The case's own policy is
                               # case-policy.yaml; the harness loads it by absolute path, so
                               # an absolute location under the case directory is made relative
            line: 2            # location.line: where the block (or the error) starts
            end_line: 6        # location.end_line: the block's closing line
            cost: 280.32       # monthly_cost_usd; null = must be None (input unknown)
            saving: 196.89     # monthly_saving_usd; null likewise
            key: ...           # optional: finding.key
            severity: warning  # optional: finding.severity.value
            message: [text, …] # optional: substrings of finding.message (a string for one)
            details: {suggested: m5.xlarge, combined_with_schedule_usd: 2034.35}  # optional
        xfail: "BUG: …"        # optional: tagcheck disagrees with the oracle (strict xfail)

``expect`` is the complete list of findings of the file's rule (other rules' findings
are ignored); ``[]`` means the rule must stay silent. ``address``/``file``, ``line``,
``end_line``, ``cost`` and ``saving`` are checked on every expectation (a finding on a
resource carries the resource's monthly cost, DESIGN.md §4, so TAG and TC002 expectations
state it too); ``details`` compares each key it lists; money is compared to the cent. The
scan runs with ``cwd`` = a temporary directory holding ``main.tf``, the case's ``files``
and the policies, on a fixed date (2026-11-26).
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path, PurePosixPath
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
EXPECT_KEYS = {"address", "file", "line", "end_line", "cost", "saving", "key", "severity", "message", "details"}
CASE_KEYS = {"name", "tf", "files", "policy", "expect", "xfail"}
MAIN = "main.tf"

# Rules that act on resources read from a live account only (their docs say "live audit only").
LIVE_ONLY = ("COST210", "COST211", "COST212", "COST213", "COST214", "COST215")
_LIVE_ONLY_REASON = (
    "live audit only: the rule reads live-account evidence (resource.attributes['live']: CPU history, "
    "attachments, associations, targets, launch and creation times) that only `tagcheck aws` fills, so a "
    "Terraform case cannot trigger it; tested against moto in tests/sources/aws/test_aws_idle_rules.py, "
    "and checked here to stay silent on every case")

# Rules with no case file, each with the reason no case can trigger it. Every other id in
# RULES_BY_ID must have cases/<RULE>.yaml.
NO_CASE_FILE: dict[str, str] = {
    "TC000": ("internal error in tagcheck (a rule that crashed, a block the source could not evaluate): "
              "correct Terraform has no legitimate trigger, and a case that crashes tagcheck on purpose "
              "would be a bug report, not a golden case; the engine's crash handling is tested in "
              "tests/test_engine.py (test_a_crashing_rule_becomes_tc000_and_the_run_goes_on)"),
    **{rule: _LIVE_ONLY_REASON for rule in LIVE_ONLY},
}


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
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(_value_equal(v, actual[k]) for k, v in expected.items())
    return expected == actual


def _file(f, work: Path) -> str | None:
    """location.file as the case names it: relative to the case directory, with "/"."""
    name = f.location.file
    if name is None:
        return None
    path = Path(name)
    if path.is_absolute():
        try:
            path = path.relative_to(work)
        except ValueError:
            return name
    return PurePosixPath(*path.parts).as_posix()


def _describe(f, work: Path) -> str:
    return (f"{f.resource.address if f.resource else '(no resource)'} at {_file(f, work)}:"
            f"{f.location.line}-{f.location.end_line} key={f.key!r} "
            f"cost={f.monthly_cost_usd!r} saving={f.monthly_saving_usd!r} severity={f.severity.value} "
            f"message={f.message!r} details={dict(f.details)!r}")


def _mismatches(exp: dict, f, work: Path) -> list[str]:
    out = []
    if _file(f, work) != exp.get("file", MAIN):
        out.append(f"file: expected {exp.get('file', MAIN)}, actual {_file(f, work)}")
    for name in ("line", "end_line"):
        if getattr(f.location, name) != exp[name]:
            out.append(f"{name}: expected {exp[name]}, actual {getattr(f.location, name)}")
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


def _check_expectation_shape(exp: dict) -> None:
    unknown = set(exp) - EXPECT_KEYS
    assert not unknown, f"unknown keys in expectation: {sorted(unknown)}"
    missing = {"line", "end_line", "cost", "saving"} - set(exp)
    assert not missing, f"state {sorted(missing)} (cost and saving null if none): {exp}"
    assert "address" in exp or "file" in exp, f"name the address, or the file of a finding with no resource: {exp}"


def _compare(expected: list[dict], findings: list, work: Path) -> list[str]:
    """Pair each expectation with a finding on the same address (or, with no address, a
    finding without a resource in the same file) and key, when given."""
    problems = []
    left = list(findings)
    for exp in expected:
        _check_expectation_shape(exp)
        address = exp.get("address")
        if address is None:
            candidates = [f for f in left if f.resource is None and _file(f, work) == exp["file"]]
        else:
            candidates = [f for f in left if f.resource is not None and f.resource.address == address]
        candidates = [f for f in candidates if "key" not in exp or f.key == exp["key"]]
        if not candidates:
            problems.append(f"expected but absent: {exp}")
            continue
        # the best candidate is the one with the fewest differences
        best = min(candidates, key=lambda f: len(_mismatches(exp, f, work)))
        left.remove(best)
        label = address or exp["file"]
        problems.extend(f"{label}: {m}" for m in _mismatches(exp, best, work))
    problems.extend(f"present but unexpected: {_describe(f, work)}" for f in left)
    return problems


# --- the test --------------------------------------------------------------------------------

def _policy_file(tmp_path: Path, text: str | None) -> Path:
    shutil.copy(SHARED_POLICY, tmp_path / "policy.yaml")
    if text is None:
        return tmp_path / "policy.yaml"
    path = tmp_path / "case-policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _extra_file(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    assert not path.is_absolute() and ".." not in path.parts and "\\" not in name, f"files: {name!r} must stay in the case directory"
    assert str(path) not in (MAIN, "policy.yaml", "case-policy.yaml"), f"files: {name!r} is written by the harness"
    return path


def write_case(work: Path, tf: str, files: dict[str, str] | None = None) -> None:
    (work / MAIN).write_text(tf, encoding="utf-8")
    for name, text in (files or {}).items():
        target = work / _extra_file(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def run_case(tmp_path: Path, tf: str, policy_text: str | None = None, files: dict[str, str] | None = None):
    write_case(tmp_path, tf, files)
    policy = load_policy(_policy_file(tmp_path, policy_text), rule_schemas=rule_schemas())
    scanned = scan([tmp_path], cwd=tmp_path)
    return engine.run(scanned.resources, scanned.problems, policy, today=TODAY)


@pytest.mark.parametrize("rule, file_policy, case", list(_params()))
def test_rule_case(tmp_path: Path, rule: str, file_policy: str | None, case: dict) -> None:
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"unknown keys in case: {sorted(unknown)}"
    result = run_case(tmp_path, case["tf"], case.get("policy", file_policy), case.get("files"))
    crashes = [f.message for f in result.findings if f.rule == "TC000"]
    assert not crashes, crashes
    live = [_describe(f, tmp_path) for f in result.findings if f.rule in LIVE_ONLY]
    assert not live, f"live-only rules hit a Terraform resource: {live}"
    findings = [f for f in result.findings if f.rule == rule]
    problems = _compare(case["expect"] or [], findings, tmp_path)
    assert not problems, f"{rule} / {case['name']}:\n  " + "\n  ".join(problems)


# --- the suite itself ------------------------------------------------------------------------

def test_every_rule_has_a_case_file_or_a_reasoned_exemption() -> None:
    with_file = {p.stem for p in _rule_files()}
    exempt = set(NO_CASE_FILE)
    assert not with_file - set(RULES_BY_ID), f"case files of no rule: {sorted(with_file - set(RULES_BY_ID))}"
    assert not exempt - set(RULES_BY_ID), f"exemptions of no rule: {sorted(exempt - set(RULES_BY_ID))}"
    assert not with_file & exempt, f"a case file and an exemption: {sorted(with_file & exempt)}"
    uncovered = sorted(set(RULES_BY_ID) - with_file - exempt)
    assert not uncovered, (f"rules with neither cases/<RULE>.yaml nor a reasoned entry in NO_CASE_FILE: "
                           f"{uncovered}")
    for rule, reason in NO_CASE_FILE.items():
        assert isinstance(reason, str) and len(reason.split()) >= 8, f"{rule}: say why no case can trigger it"
    for rule in LIVE_ONLY:  # the exemption holds only while the rule says it is live-only
        assert "live audit only" in RULES_BY_ID[rule].docs, f"{rule} is no longer live-only: give it a case file"


@pytest.mark.parametrize("path", _rule_files(), ids=lambda p: p.stem)
def test_case_file_is_well_formed(path: Path) -> None:
    spec = _load(path)
    assert spec["rule"] == path.stem
    names = [c["name"] for c in spec["cases"]]
    assert len(names) == len(set(names)), "case names must be unique"
    # every file shows at least one finding and at least one silent case
    assert any(c["expect"] for c in spec["cases"]) and any(not c["expect"] for c in spec["cases"])
    for case in spec["cases"]:
        assert isinstance(case.get("tf"), str), case["name"]
        for name, text in (case.get("files") or {}).items():
            _extra_file(name)
            assert isinstance(text, str), (case["name"], name)
        for exp in case["expect"] or []:
            _check_expectation_shape(exp)
        if case.get("xfail"):
            assert str(case["xfail"]).startswith("BUG:"), case["name"]


# --- resource_types: the engine's shortcut must never hide a hit --------------------------------

def test_declared_resource_types_cover_every_hit(tmp_path: Path) -> None:
    """Each check is called on every resource of every case, past the engine's type filter:
    a hit on a type outside the rule's ``resource_types`` would be one the engine drops."""
    from tagcheck.rules import ALL_RULES
    from tagcheck.rules.registry import RuleContext
    from tagcheck.cost.estimate import CostModel

    declared = [r for r in ALL_RULES if r.check is not None and r.resource_types is not None]
    assert declared
    hits_seen = 0
    for index, (_rule, file_policy, case) in enumerate(p.values for p in _params()):
        work = tmp_path / str(index)
        work.mkdir()
        write_case(work, case["tf"], case.get("files"))
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
