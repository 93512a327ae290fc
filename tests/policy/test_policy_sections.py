"""The typed ``governance`` and ``cost`` sections (Policy.governance / Policy.cost).

Built once by the loader after validation and merging; the defaults live on the
dataclasses. The rules and ``engine.pricebook_for`` read only these, so each test here
also pins that they mean what reading the sections as written meant.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from tagcheck import engine
from tagcheck.model import Location, Origin, Resource, TagSet, TagValue
from tagcheck.policy import SHIPPED_POLICIES_DIR, CostSettings, Governance, load_default_policy, load_policy
from tagcheck.policy.merge import merge_settings

FULL = """\
version: 1
environments: {tag: environment, non_production: [dev]}
governance:
  regions: [us-east-1, eu-west-1]
  allowed_instance_families:
    dev: [t3, t4g]
    test: []
  prohibited_types:
    dev: [aws_nat_gateway, aws_eip]
  non_production:
    max_instance_size: large
    schedule_tag: uptime
cost:
  prices:
    us-east-1: {ec2: {m5.large: 0.05}}
  spot_discount: {default: 0.5, p3: 0.7}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _as_written(text: str) -> dict:
    """The policy's settings as written, merged onto the shipped baseline it extends."""
    doc = yaml.safe_load(text)
    if "finops-baseline" in (doc.get("extends") or ()):
        doc = merge_settings(yaml.safe_load((SHIPPED_POLICIES_DIR / "finops-baseline.yaml").read_text()), doc)
    return doc


def _old_reads(doc: dict) -> dict:
    """What the rules and pricebook_for read from the raw mappings before the typed sections."""
    gov, cost = doc.get("governance") or {}, doc.get("cost") or {}
    non_prod = gov.get("non_production") or {}
    return {
        "regions": gov.get("regions"),
        "allowed_instance_families": gov.get("allowed_instance_families") or {},
        "prohibited_types": gov.get("prohibited_types") or {},
        "max_instance_size": non_prod.get("max_instance_size"),
        "schedule_tag": non_prod.get("schedule_tag"),
        "suggested_schedule_tag": non_prod.get("schedule_tag") or "schedule",
        "prices": cost.get("prices"),
        "spot_discount": cost.get("spot_discount"),
    }


def _new_reads(policy) -> dict:
    gov, cost = policy.governance, policy.cost
    return {
        "regions": gov.regions,
        "allowed_instance_families": gov.allowed_instance_families,
        "prohibited_types": gov.prohibited_types,
        "max_instance_size": gov.max_instance_size,
        "schedule_tag": gov.schedule_tag,
        "suggested_schedule_tag": gov.suggested_schedule_tag,
        "prices": cost.prices,
        "spot_discount": cost.spot_discount,
    }


def _same_meaning(old, new) -> bool:
    """Equal, lists compared as tuples; an absent (None) list or mapping is the empty one."""
    def norm(value):
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return tuple(norm(v) for v in value)
        return value

    if old is None and new in ((), {}):
        return True
    return norm(old) == norm(new)


# --- defaults -------------------------------------------------------------------------------


def test_absent_sections_take_the_dataclass_defaults(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", "version: 1\n"))

    assert policy.governance == Governance()
    assert policy.cost == CostSettings()
    gov = policy.governance
    assert gov.regions == ()
    assert gov.allowed_instance_families == {} and gov.prohibited_types == {}
    assert gov.max_instance_size is None
    assert gov.schedule_tag is None  # no tag counts as schedule evidence
    assert gov.suggested_schedule_tag == "schedule"  # but the advice still names one
    assert policy.cost.prices is None and policy.cost.spot_discount == {}


def test_empty_non_production_block_keeps_the_defaults(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", "version: 1\ngovernance:\n  non_production: {}\ncost: {}\n"))
    assert policy.governance == Governance()
    assert policy.cost == CostSettings()


def test_one_key_set_leaves_the_others_at_their_defaults(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml",
                               "version: 1\ngovernance:\n  non_production: {schedule_tag: uptime}\n"))
    assert policy.governance == Governance(schedule_tag="uptime")
    assert policy.governance.suggested_schedule_tag == "uptime"


def test_the_built_in_policy_sets_the_non_production_limits():
    policy = load_default_policy()
    assert policy.governance == Governance(max_instance_size="xlarge", schedule_tag="schedule")
    assert policy.cost == CostSettings()


# --- values from a file -------------------------------------------------------------------------


def test_values_are_read_from_the_policy_file(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", FULL))

    assert policy.governance == Governance(
        regions=("us-east-1", "eu-west-1"),
        allowed_instance_families={"dev": ("t3", "t4g"), "test": ()},
        prohibited_types={"dev": ("aws_nat_gateway", "aws_eip")},
        max_instance_size="large",
        schedule_tag="uptime",
    )
    assert policy.cost == CostSettings(
        prices={"us-east-1": {"ec2": {"m5.large": 0.05}}},
        spot_discount={"default": 0.5, "p3": 0.7},
    )


def test_a_prices_path_is_kept_as_written(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", "version: 1\ncost:\n  prices: rates/negotiated.yaml\n"))
    assert policy.cost.prices == "rates/negotiated.yaml"


def test_typed_sections_are_built_after_extends_merge(tmp_path):
    write(tmp_path / "base.yaml", FULL)
    child = write(tmp_path / "child.yaml", """\
version: 1
extends: [base.yaml]
governance:
  regions: [ap-south-1]
  non_production: {schedule_tag: office-hours}
cost:
  spot_discount: {default: 0.6}
""")
    policy = load_policy(child)

    gov = policy.governance
    assert gov.regions == ("ap-south-1",)  # a list is replaced
    assert gov.schedule_tag == "office-hours" and gov.max_instance_size == "large"  # mappings merge deep
    assert gov.prohibited_types == {"dev": ("aws_nat_gateway", "aws_eip")}
    assert policy.cost.spot_discount == {"default": 0.6, "p3": 0.7}


def test_sections_are_frozen(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", FULL))
    with pytest.raises(AttributeError):
        policy.governance.regions = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        policy.cost.prices = None  # type: ignore[misc]


def test_the_cache_needs_no_change_for_the_typed_sections(tmp_path):
    """The store keeps the YAML data and a validation mark, never the Policy: a warm load
    (from the store) builds the same typed sections as a cold one."""

    class Store(dict):
        def key(self, kind, data):
            return (kind, data)

        def put(self, key, value):
            import marshal

            marshal.dumps(value)  # what the real cache does with it
            self[key] = value
            return True

    store = Store()
    path = write(tmp_path / "p.yaml", FULL)
    cold = load_policy(path, validated=store)
    assert {kind for kind, _ in store} == {"policy-document", "policy"}
    warm = load_policy(path, validated=store)
    assert warm == cold
    assert warm.governance == cold.governance
    assert warm.cost == cold.cost


# --- the readers see the same values as before ---------------------------------------------------

POLICIES = {
    "empty": "version: 1\n",
    "full": FULL,
    "baseline": "version: 1\nextends: [finops-baseline]\n",
    "regions only": "version: 1\ngovernance: {regions: [eu-west-1]}\n",
    "empty regions": "version: 1\ngovernance: {regions: []}\n",
    "prices only": "version: 1\ncost: {prices: {us-east-1: {ec2: {t3.micro: 0.001}}}}\n",
    "empty prices": "version: 1\ncost: {prices: {}, spot_discount: {}}\n",
}


@pytest.mark.parametrize("text", POLICIES.values(), ids=POLICIES.keys())
def test_typed_reads_mean_what_the_raw_reads_meant(tmp_path, text):
    policy = load_policy(write(tmp_path / "p.yaml", text))
    old, new = _old_reads(_as_written(text)), _new_reads(policy)
    for key in old:
        assert _same_meaning(old[key], new[key]), (key, old[key], new[key])
        assert bool(old[key]) == bool(new[key]), key  # the rules test truthiness


def _instance(address: str, *, region: str = "us-east-1", instance_type: str = "m5.2xlarge",
              tags: dict[str, str] | None = None, type_: str = "aws_instance") -> Resource:
    values = {k: TagValue(v) for k, v in (tags if tags is not None else {"environment": "dev"}).items()}
    return Resource(address=address, type=type_, origin=Origin.HCL, location=Location("main.tf", 1, 5),
                    tags=TagSet(values=values), attributes={"instance_type": instance_type}, region=region)


def _findings(policy, resources) -> list[tuple[str, str, dict]]:
    result = engine.run(resources, [], policy, today=datetime.date(2026, 6, 1))
    return sorted((f.rule, f.resource.address, dict(f.details)) for f in result.findings
                  if f.rule.startswith(("GOV", "COST20")))


def test_governance_rules_read_the_typed_section(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", FULL))
    resources = [
        _instance("aws_instance.far", region="ap-south-1", instance_type="t3.micro"),
        _instance("aws_instance.big", instance_type="m5.2xlarge", tags={"environment": "dev", "uptime": "office"}),
        _instance("aws_nat_gateway.dev", type_="aws_nat_gateway"),
    ]
    found = _findings(policy, resources)
    rules = [(rule, address) for rule, address, _ in found]

    assert ("GOV101", "aws_instance.far") in rules
    assert ("GOV101", "aws_instance.big") not in rules
    assert ("GOV102", "aws_instance.big") in rules  # m5 is not t3/t4g in dev
    assert ("GOV102", "aws_instance.far") not in rules
    assert ("GOV103", "aws_nat_gateway.dev") in rules
    assert ("COST201", "aws_instance.big") in rules  # 2xlarge > large
    assert ("COST202", "aws_instance.big") not in rules  # the uptime tag is the evidence
    assert ("COST202", "aws_instance.far") in rules
    (gov101,) = [d for r, a, d in found if r == "GOV101"]
    assert gov101["allowed"] == ["us-east-1", "eu-west-1"]  # still a list in the finding
    (cost202,) = [d for r, a, d in found if r == "COST202"]
    assert cost202["schedule_tag"] == "uptime"


def test_without_a_schedule_tag_no_tag_is_evidence_but_the_advice_names_schedule(tmp_path):
    # Behaviour kept from the raw reads: the "schedule" fallback is advice only.
    policy = load_policy(write(tmp_path / "p.yaml", "version: 1\nenvironments: {non_production: [dev]}\n"))
    tagged = _instance("aws_instance.tagged", tags={"environment": "dev", "schedule": "office-hours"})
    found = [(r, a, d) for r, a, d in _findings(policy, [tagged]) if r == "COST202"]
    assert len(found) == 1
    assert found[0][2]["schedule_tag"] == "schedule"


def test_no_governance_section_no_governance_findings(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", "version: 1\nenvironments: {non_production: [dev]}\n"))
    resources = [_instance("aws_instance.far", region="ap-south-1"), _instance("aws_nat_gateway.dev",
                                                                              type_="aws_nat_gateway")]
    assert [r for r, _, _ in _findings(policy, resources) if r.startswith(("GOV", "COST201"))] == []


def test_pricebook_reads_the_typed_cost_section(tmp_path):
    policy = load_policy(write(tmp_path / "p.yaml", FULL))
    book = engine.pricebook_for(policy)
    assert book.ec2_hourly("us-east-1", "m5.large") == 0.05
    assert book.spot_discount("p3.2xlarge") == 0.7
    assert book.spot_discount("x2iedn.xlarge") == 0.5  # a family the catalogue has no figure for


def test_pricebook_with_an_empty_cost_section_is_the_shipped_one(tmp_path):
    from tagcheck.catalog.prices import default_pricebook

    policy = load_policy(write(tmp_path / "p.yaml", POLICIES["empty prices"]))
    assert engine.pricebook_for(policy) is default_pricebook()
