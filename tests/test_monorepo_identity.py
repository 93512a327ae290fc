"""Two root modules of one repository may use the same resource addresses: references,
cost estimates and companion resources resolve within a root, never across roots."""

from __future__ import annotations

import datetime
from pathlib import Path

from tagcheck import engine
from tagcheck.cost.estimate import CostModel
from tagcheck.policy import load_policy
from tagcheck.rules import rule_schemas
from tagcheck.sources.terraform.source import scan

POLICY = "version: 1\ntags:\n  required: [team]\n"
ASG = '''provider "aws" { region = "us-east-1" }
resource "aws_launch_template" "lt" {
  instance_type = "%s"
  tags = { team = "a" }
}
resource "aws_autoscaling_group" "workers" {
  min_size         = 2
  max_size         = 2
  desired_capacity = 2
  launch_template { id = aws_launch_template.lt.id }
  tag {
    key                 = "team"
    value               = "a"
    propagate_at_launch = true
  }
}
'''
BUCKET = '''provider "aws" { region = "us-east-1" }
resource "aws_s3_bucket" "logs" {
  bucket = "%s-logs"
  tags   = { team = "a", environment = "prod" }
}
'''
LIFECYCLE = '''resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    id     = "archive"
    status = "Enabled"
    transition {
      days          = 30
      storage_class = "GLACIER_IR"
    }
  }
}
'''


def _repo(tmp_path: Path, roots: dict[str, str]) -> Path:
    (tmp_path / ".tagcheck.yaml").write_text(POLICY)
    for name, text in roots.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(text)
    return tmp_path


def _asg_costs(repo: Path, paths: list[Path]) -> dict[str, float]:
    resources = scan(paths, cwd=repo).resources
    costs = CostModel(engine.pricebook_for(load_policy(repo / ".tagcheck.yaml")), resources)
    return {r.root: costs.estimate(r).monthly_usd for r in resources if r.type == "aws_autoscaling_group"}


def test_each_auto_scaling_group_is_priced_from_its_own_roots_launch_template(tmp_path):
    repo = _repo(tmp_path, {"small": ASG % "m5.large", "big": ASG % "m5.4xlarge"})
    together = _asg_costs(repo, [repo])
    alone = {**_asg_costs(repo, [repo / "small"]), **_asg_costs(repo, [repo / "big"])}
    assert together == alone
    assert together["small"] * 8 == together["big"]  # m5.4xlarge is eight m5.large


def test_a_lifecycle_configuration_covers_only_the_bucket_of_its_own_root(tmp_path):
    repo = _repo(tmp_path, {"kept": BUCKET % "kept" + LIFECYCLE, "forever": BUCKET % "forever"})
    policy = load_policy(repo / ".tagcheck.yaml", rule_schemas=rule_schemas())
    scanned = scan([repo], cwd=repo)
    result = engine.run(scanned.resources, scanned.problems, policy, today=datetime.date(2026, 11, 26))
    lifecycle = [f.resource.root for f in result.findings if f.rule == "COST205"]
    assert lifecycle == ["forever"]
