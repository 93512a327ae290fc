"""Golden cases for tagcheck's Terraform semantics (DESIGN.md §2 and §3).

Every directory under ``cases/`` is one Terraform project and one test. Its
``expected.yaml`` is the oracle, written from Terraform's and the AWS provider's
(hashicorp/aws 6.x) documented behaviour — not from what tagcheck prints — so each
file doubles as documentation of the semantics. Keys of ``expected.yaml``:

``description``
    What the case proves (free text).
``scan``
    Paths to scan, relative to the case directory (default ``["."]``). The scan runs
    with ``cwd`` = the case directory, so file names in findings are relative to it.
``inputs``
    ``{var_files: [...], vars: {NAME: VALUE}}`` → ``RootInputs`` (``--var-file``/``--var``).
``policy``
    Policy file relative to the case directory. Default: the case's own
    ``.tagcheck.yaml`` if it has one, else ``cases/policy.yaml`` (required: team,
    cost-center).
``findings``
    The exact, complete list of TAG*/TC* findings as compact strings (order does not
    matter; the lists are compared sorted)::

        TAG001 ADDRESS:LINE missing=KEY,KEY            (keys sorted)
        TAG002 ADDRESS:LINE key=KEY found=VALUE
        TAG003 ADDRESS:LINE expected=KEY found=KEY
        TAG004 ADDRESS:LINE key=KEY
        TAG005 ADDRESS:LINE unknown=KEY,KEY reason=TEXT [reason=TEXT ...]
        TAG006 ADDRESS:LINE key=KEY
        TC001  FILE:LINE
        TC002  ADDRESS:LINE suppression=RULE
        TC003  FILE:LINE source=SOURCE                 (once per module block)

    LINE is the first line of the resource (or module) block, as ``terraform plan``
    error messages give it. For TAG005 every ``reason=`` text must be *contained* in
    the finding's reason (the reason names the reference that could not be resolved).
    Other rule families (GOV, COST) are outside this suite and are filtered out.
``suppressed``
    Findings moved to ``suppressed`` by inline ``tagcheck:ignore``, same format.
``resources``
    The exact set of resource instance addresses scanned (Terraform's addresses).
``tags``
    ``ADDRESS: {KEY: "VALUE (SOURCE)"}`` — the complete effective tags (``tags_all``)
    of that resource; SOURCE is ``resource`` or ``default_tags``; VALUE ``?`` means
    unknown, ``""`` the empty string. ``ADDRESS: null`` means the type cannot carry tags.
``meta``
    ``ADDRESS: {provider: aws.ALIAS, region: REGION}`` — the provider configuration
    a resource uses.
``xfail``
    A reason starting with ``BUG:``: the case states Terraform's behaviour and
    tagcheck disagrees; the test is marked ``xfail(strict=True)`` until it is fixed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tagcheck import engine
from tagcheck.policy import load_policy
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.source import scan

CASES = Path(__file__).parent / "cases"
SHARED_POLICY = CASES / "policy.yaml"
PER_KEY = {"TAG002", "TAG003", "TAG004", "TAG006"}


def _case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.yaml").is_file())


def _params():
    for case in _case_dirs():
        spec = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8")) or {}
        marks = []
        if spec.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=spec["xfail"]))
        yield pytest.param(case, spec, id=case.name, marks=marks)


# --- compact form of a finding ------------------------------------------------------------

def _compact(finding) -> str:
    rule = finding.rule
    line = finding.location.line
    if finding.resource is not None:
        head = f"{rule} {finding.resource.address}:{line}"
    else:
        head = f"{rule} {finding.location.file}:{line}"
    d = finding.details
    if rule == "TAG001":
        return f"{head} missing={','.join(sorted(d['missing']))}"
    if rule == "TAG002":
        return f"{head} key={finding.key} found={d.get('found')}"
    if rule == "TAG003":
        return f"{head} expected={d['expected']} found={d['found']}"
    if rule in ("TAG004", "TAG006"):
        return f"{head} key={finding.key}"
    if rule == "TAG005":
        reasons = d.get("reasons") or {}
        text = "; ".join(sorted(set(reasons.values()))) if reasons else str(d.get("reason"))
        return f"{head} unknown={','.join(sorted(d['unknown']))} reason={text}"
    if rule == "TC002":
        return f"{head} suppression={finding.key}"
    if rule == "TC003":
        return f"{head} source={d.get('source')}"
    return head


def _matches(expected: str, actual: str) -> bool:
    """Exact, except that TAG005 reasons are substrings of the actual reason."""
    if not expected.startswith("TAG005 "):
        return expected == actual
    exp_head, *exp_reasons = expected.split(" reason=")
    act_head, _, act_reason = actual.partition(" reason=")
    return exp_head == act_head and all(r in act_reason for r in exp_reasons)


def _pair(expected: list[str], actual: list[str]) -> tuple[list[str], list[str]]:
    """What is expected but missing, and what is there but unexpected."""
    unmatched = list(actual)
    missing = []
    for exp in sorted(expected):
        hit = next((a for a in unmatched if _matches(exp, a)), None)
        if hit is None:
            missing.append(exp)
        else:
            unmatched.remove(hit)
    return missing, sorted(unmatched)


def _relevant(findings) -> list[str]:
    return sorted(_compact(f) for f in findings if f.rule.startswith(("TAG", "TC")))


def _tag_view(tags) -> dict | None:
    if tags is None:
        return None
    out = {}
    for key, tag in tags.values.items():
        value = "?" if not tag.known else (tag.value if tag.value != "" else '""')
        out[key] = f"{value} ({tag.source.value})"
    return out


# --- the test --------------------------------------------------------------------------------

@pytest.mark.parametrize("case, spec", list(_params()))
def test_terraform_case(case: Path, spec: dict) -> None:
    policy_path = case / spec["policy"] if spec.get("policy") else (
        case / ".tagcheck.yaml" if (case / ".tagcheck.yaml").is_file() else SHARED_POLICY)
    policy = load_policy(policy_path)
    raw_inputs = spec.get("inputs") or {}
    inputs = RootInputs(var_files=[case / f for f in raw_inputs.get("var_files", [])],
                        vars={k: str(v) for k, v in (raw_inputs.get("vars") or {}).items()})
    paths = [case / p for p in spec.get("scan", ["."])]

    old_cwd = os.getcwd()
    os.chdir(case)  # nothing may depend on the process cwd, but be safe
    try:
        result = scan(paths, inputs, cwd=case)
        run = engine.run(result.resources, result.problems, policy)
    finally:
        os.chdir(old_cwd)

    problems = []

    if "resources" in spec:
        actual = sorted(r.address for r in result.resources)
        if actual != sorted(spec["resources"]):
            problems.append(f"resources:\n  expected {sorted(spec['resources'])}\n  actual   {actual}")

    by_address = {r.address: r for r in result.resources}
    for address, tags in (spec.get("tags") or {}).items():
        resource = by_address.get(address)
        if resource is None:
            problems.append(f"tags: no resource {address}")
            continue
        actual_tags = _tag_view(resource.tags)
        expected_tags = None if tags is None else {k: str(v) for k, v in tags.items()}
        if actual_tags != expected_tags:
            problems.append(f"tags of {address}:\n  expected {expected_tags}\n  actual   {actual_tags}")

    for address, meta in (spec.get("meta") or {}).items():
        resource = by_address.get(address)
        if resource is None:
            problems.append(f"meta: no resource {address}")
            continue
        for attr, value in meta.items():
            if getattr(resource, attr) != value:
                problems.append(f"{attr} of {address}: expected {value!r}, actual {getattr(resource, attr)!r}")

    for name, findings in (("findings", run.findings), ("suppressed", run.suppressed)):
        missing, extra = _pair(spec.get(name) or [], _relevant(findings))
        if missing or extra:
            problems.append(f"{name}:\n  expected but absent: {missing}\n  present but unexpected: {extra}")

    assert not problems, f"case {case.name}:\n" + "\n".join(problems)


def test_every_case_directory_has_an_expected_file() -> None:
    stray = [p.name for p in CASES.iterdir() if p.is_dir() and not (p / "expected.yaml").is_file()]
    assert not stray
