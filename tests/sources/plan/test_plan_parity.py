"""Verdict parity: one policy, the same TAG001–TAG006 verdicts from the code and from its plan.

DESIGN.md §1: "One policy gives the same verdict on a resource whether it was read from
.tf, from a plan, or from the account." Each ``twins/<case>.plan.json`` is the plan that
``terraform show -json`` prints for the Terraform golden case
``tests/sources/terraform/cases/<case>`` (Terraform 1.9, hashicorp/aws 6.x; how each value
was arrived at is written down in ``make_twins.py``). For each twin the case is scanned
exactly as ``test_terraform_cases.py`` does (same policy, ``--var-file``/``--var`` inputs,
scan paths, cwd), the plan is loaded with :func:`tagcheck.sources.plan.load_plan`, both go
through ``engine.run`` with the same policy and date, and the sets of

    (rule, address, key)        key = the tag key, or the sorted keys of TAG001/TAG005

must be equal. TAG005 (unknown) is compared only when the scan of the case has none: where
the code has a value that only Terraform can compute (a data source read while planning)
the plan legitimately knows more. TC* findings belong to the source, not to the verdict.

The provider plans ``tags_all`` as unknown when the merged map is empty or holds an empty
value; ``TAGS_ALL_PLANNED_UNKNOWN`` lists those resources, each with its own parity test.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest
import yaml

from tagcheck import engine
from tagcheck.policy import load_policy
from tagcheck.sources.plan import load_plan
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.source import scan

HERE = Path(__file__).parent
TWINS = HERE / "twins"
CASES = HERE.parent / "terraform" / "cases"
SHARED_POLICY = CASES / "policy.yaml"
TODAY = datetime.date(2026, 11, 26)
TAG_RULES = {"TAG001", "TAG002", "TAG003", "TAG004", "TAG005", "TAG006"}

# Resources of the case that are not in its plan, and why.
NOT_IN_PLAN = {
    "conditionals_lookup": {
        "aws_s3_bucket.lookup_error": "lookup() of a missing key without a default is an error: "
                                      "`terraform plan` fails, so the twin is the plan without this block",
    },
}

_UNKNOWN_TAGS_ALL = ("BUG: the provider plans tags_all as unknown here ({why}); plan.py then treats the whole "
                     "tag map as unknown (TAG005) although change.after.tags is known and the provider's "
                     "default_tags are constants in configuration.provider_config, so tags_all = "
                     "default_tags ⊕ tags − ignore_tags is computable (the code says {verdict})")
_NO_TAGS = _UNKNOWN_TAGS_ALL.format(why="create with no tags and no default_tags: TestAccS3Bucket_tags_null, "
                                        "'TODO: Should be known'", verdict="TAG001")
_EMPTY_VALUE = _UNKNOWN_TAGS_ALL.format(why="an empty tag value: TestAccS3Bucket_tags_DefaultTags_emptyResourceTag",
                                        verdict="TAG004")
_EMPTY_DEFAULT = _UNKNOWN_TAGS_ALL.format(
    why="an empty default_tags value: TestAccS3Bucket_tags_DefaultTags_emptyProviderOnlyTag", verdict="TAG004")

# case → address → why: resources whose tags_all the provider plans as unknown; the plan
# source recomputes it from tags and the provider's default_tags (these once disagreed).
TAGS_ALL_PLANNED_UNKNOWN = {
    "aliased_provider": {"aws_s3_bucket.west": _NO_TAGS},
    "implicit_default_provider": {"aws_s3_bucket.implicit": _NO_TAGS},
    "non_taggable": {"aws_route_table.main": _NO_TAGS},
    "merge_locals": {"aws_s3_bucket.blanked": _EMPTY_VALUE},
    "for_each_map": {'aws_sqs_queue.per_team["b"]': _EMPTY_VALUE},
    "count_instances": {"aws_ebs_volume.data[1]": _EMPTY_VALUE, "aws_ebs_volume.data[2]": _EMPTY_VALUE},
    "module_for_each_count": {'module.w["green"].aws_sqs_queue.this': _EMPTY_VALUE,
                              'module.w["green"].module.topic.aws_sns_topic.this': _EMPTY_VALUE},
    "for_each_from_tfvars": {'aws_s3_bucket.this["curated"]': _EMPTY_VALUE},
    "empty_default_tag": {"aws_s3_bucket.inherits_empty": _EMPTY_DEFAULT},
}


def _twins() -> list[str]:
    return sorted(p.name[: -len(".plan.json")] for p in TWINS.glob("*.plan.json"))


def _spec(case: str) -> dict:
    return yaml.safe_load((CASES / case / "expected.yaml").read_text(encoding="utf-8")) or {}


def _policy(case_dir: Path, spec: dict):
    """The policy test_terraform_cases.py uses for the case."""
    if spec.get("policy"):
        return load_policy(case_dir / spec["policy"])
    own = case_dir / ".tagcheck.yaml"
    return load_policy(own if own.is_file() else SHARED_POLICY)


def _key(finding) -> tuple:
    if finding.rule == "TAG001":
        subject = tuple(sorted(finding.details["missing"]))
    elif finding.rule == "TAG005":
        subject = tuple(sorted(finding.details["unknown"]))
    else:
        subject = finding.key
    return (finding.rule, finding.resource.address, subject)


class _Runs:
    def __init__(self, case: str):
        self.case = case
        case_dir = CASES / case
        spec = _spec(case)
        self.policy = _policy(case_dir, spec)
        raw_inputs = spec.get("inputs") or {}
        inputs = RootInputs(var_files=[case_dir / f for f in raw_inputs.get("var_files", [])],
                            vars={k: str(v) for k, v in (raw_inputs.get("vars") or {}).items()})
        paths = [case_dir / p for p in spec.get("scan", ["."])]
        old_cwd = os.getcwd()
        os.chdir(case_dir)
        try:
            scanned = scan(paths, inputs, cwd=case_dir)
            self.scan_run = engine.run(scanned.resources, scanned.problems, self.policy, today=TODAY)
        finally:
            os.chdir(old_cwd)
        self.scan_resources = [r for r in scanned.resources if r.type.startswith("aws_")]
        self.plan = load_plan(TWINS / f"{case}.plan.json")
        self.plan_run = engine.run(self.plan.resources, [], self.policy, today=TODAY)
        self.compare_tag005 = not any(f.rule == "TAG005" for f in self.scan_run.findings)

    def verdicts(self, run) -> set[tuple]:
        rules = TAG_RULES if self.compare_tag005 else TAG_RULES - {"TAG005"}
        skip = set(NOT_IN_PLAN.get(self.case, {}))
        return {_key(f) for f in run.findings
                if f.rule in rules and f.resource is not None and f.resource.address not in skip}


_CACHE: dict[str, _Runs] = {}


def _runs(case: str) -> _Runs:
    if case not in _CACHE:
        _CACHE[case] = _Runs(case)
    return _CACHE[case]


def _diff(code: set, plan: set) -> str:
    return (f"only from the code: {sorted(code - plan)}\n"
            f"only from the plan: {sorted(plan - code)}")


def test_enough_twins() -> None:
    assert len(_twins()) >= 12
    for case in _twins():
        assert (CASES / case / "expected.yaml").is_file(), f"twin {case} has no Terraform case"


@pytest.mark.parametrize("case", _twins())
def test_twin_is_a_plan_of_the_case(case: str) -> None:
    """The twin plans the same resource instances, with Terraform's addresses."""
    runs = _runs(case)
    code = {r.address for r in runs.scan_resources} - set(NOT_IN_PLAN.get(case, {}))
    plan = {r.address for r in runs.plan.resources}
    assert code == plan, _diff(code, plan)
    doc = json.loads((TWINS / f"{case}.plan.json").read_text(encoding="utf-8"))
    assert doc["format_version"] == "1.2" and doc["terraform_version"].startswith("1.9.")
    assert runs.plan.other_providers == sum(1 for c in doc["resource_changes"]
                                            if not c["provider_name"].endswith("/aws"))


@pytest.mark.parametrize("case", _twins())
def test_plan_parity(case: str) -> None:
    runs = _runs(case)
    code = set(runs.verdicts(runs.scan_run))
    plan = set(runs.verdicts(runs.plan_run))
    assert code == plan, f"case {case}:\n" + _diff(code, plan)


def _unknown_tags_all_params():
    for case, addresses in sorted(TAGS_ALL_PLANNED_UNKNOWN.items()):
        for address in sorted(addresses):
            yield pytest.param(case, address, id=f"{case}:{address}")


@pytest.mark.parametrize("case, address", list(_unknown_tags_all_params()))
def test_plan_parity_when_tags_all_is_planned_unknown(case: str, address: str) -> None:
    runs = _runs(case)
    code = {v for v in runs.verdicts(runs.scan_run) if v[1] == address}
    plan = {v for v in runs.verdicts(runs.plan_run) if v[1] == address}
    assert code, f"{address} has no finding from the code: the entry in TAGS_ALL_PLANNED_UNKNOWN is stale"
    assert code == plan, f"case {case}, {address}:\n" + _diff(code, plan)


def test_unknown_tags_all_cases_name_planned_resources() -> None:
    for case, addresses in TAGS_ALL_PLANNED_UNKNOWN.items():
        planned = {r.address for r in _runs(case).plan.resources}
        assert set(addresses) <= planned, case
