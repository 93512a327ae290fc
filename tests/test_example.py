"""The bundled example reports exactly its deliberate tag mistakes (examples/terraform/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tagcheck import engine
from tagcheck.policy import load_policy
from tagcheck.sources.terraform.source import scan

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "terraform"

EXPECTED = {
    ("TC003", None, "main.tf", 31),
    ("TAG005", "aws_ecr_repository.inference", "main.tf", 56),
    ("TAG003", "aws_cloudwatch_log_group.inference", "main.tf", 73),
    ("TAG001", "module.data.aws_s3_bucket.backup", "modules/data/main.tf", 96),
    ("TAG001", "module.inference.aws_autoscaling_group.api", "modules/inference/main.tf", 159),
    ("TAG004", 'module.network.aws_subnet.private["c"]', "modules/network/main.tf", 44),
    ("TAG002", "module.network.aws_nat_gateway.this[0]", "modules/network/main.tf", 68),
    ("TAG001", "module.training.aws_instance.trainer", "modules/training/main.tf", 56),
}


def _run():
    scanned = scan([EXAMPLE], cwd=EXAMPLE)
    return scanned, engine.run(scanned.resources, scanned.problems, load_policy(start=EXAMPLE))


def test_example_findings_are_exactly_the_deliberate_mistakes():
    _, result = _run()
    got = {(f.rule, f.resource.address if f.resource else None, f.location.file, f.location.line)
           for f in result.findings if f.rule.startswith(("TAG", "TC"))}
    assert got == EXPECTED
    by_address = {f.resource.address: f for f in result.findings if f.resource}
    assert by_address["module.training.aws_instance.trainer"].details["missing"] == ["cost-center"]
    assert by_address["module.data.aws_s3_bucket.backup"].details["missing"] == ["team", "environment"]
    assert by_address["aws_cloudwatch_log_group.inference"].details == {"expected": "cost-center", "found": "cost_center"}
    assert "data.aws_caller_identity.current.account_id" in by_address["aws_ecr_repository.inference"].message


def test_example_resources_and_tag_sources():
    scanned, result = _run()
    assert len(scanned.resources) == 34
    assert result.summary.allocation["taggable_resources"] == 26
    resources = {r.address: r for r in scanned.resources}
    trainer = resources["module.training.aws_instance.trainer"].tags.values
    assert trainer["environment"].value == "dev" and trainer["environment"].source.value == "resource"
    ecr = resources["aws_ecr_repository.inference"].tags.values
    assert ecr["team"].source.value == "default_tags" and ecr["component"].source.value == "resource"
    assert resources["module.data.aws_s3_bucket.backup"].provider == "aws.dr"
    assert resources["module.data.aws_s3_bucket.backup"].region == "us-west-2"
    assert resources["module.network.aws_route_table_association.private[\"a\"]"].tags is None


def test_example_gpu_trainer_costs_and_levers():
    """DESIGN.md §7: always-on on-demand GPU training in dev ≈ $2,500/mo; schedule + spot saves ≥ 90 %."""
    _, result = _run()
    trainer = [f for f in result.findings if f.resource and f.resource.address == "module.training.aws_instance.trainer"]
    by_rule = {f.rule: f for f in trainer}
    assert {"TAG001", "COST201", "COST202", "COST203", "COST204"} <= set(by_rule)
    # p3.2xlarge $3.06/h × 730 h = $2,233.80 + 500 GB gp2 × $0.10 = $50.00
    assert all(f.monthly_cost_usd == 2283.80 for f in trainer)
    assert 2200 <= by_rule["TAG001"].monthly_cost_usd <= 2600
    compute = 2233.80
    assert by_rule["COST202"].monthly_saving_usd == 1568.98  # × (1 − 50/168)
    assert by_rule["COST203"].monthly_saving_usd == 1563.66  # × 70 % spot discount
    combined = by_rule["COST203"].details["combined_with_schedule_usd"]
    assert combined == 2034.35 and combined / compute >= 0.90
    assert by_rule["COST204"].monthly_saving_usd == 10.00  # 500 GB × ($0.10 − $0.08)
    assert "$2,233.80 compute" in by_rule["COST202"].details["arithmetic"]


def test_example_cost_summary():
    _, result = _run()
    cost, allocation = result.summary.cost, result.summary.allocation
    assert cost["monthly_usd"] == allocation["monthly_usd"]
    assert allocation["allocated_monthly_usd"] + allocation["unallocated_monthly_usd"] + allocation["unknown_monthly_usd"] \
        == pytest.approx(cost["monthly_usd"])
    assert allocation["unallocated_monthly_usd"] >= 2283.80  # the trainer carries no cost-center
    assert set(cost["savings_by_lever"]) == {"scheduling", "purchasing", "rightsizing", "storage"}
    assert 0 < cost["possible_saving_monthly_usd"] < sum(cost["savings_by_lever"].values())
    rightsize = next(f for f in result.findings if f.rule == "COST201" and "database" in f.resource.address)
    assert rightsize.details["suggested"] == "db.r5.xlarge"
