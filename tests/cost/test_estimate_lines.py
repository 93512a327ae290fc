"""Cost lines the estimators got wrong or left out (issue #15), each with its arithmetic
spelled out against the shipped catalogue (us-east-1: m5.xlarge $0.192/h, m5.large $0.096/h,
t3.medium $0.0416/h, db.m5.large postgres $0.178/h; EBS gp2 $0.10 and gp3 $0.08 per GB-month;
RDS gp3 $0.115 per GB-month and $0.02 per IOPS-month above what the volume includes; EBS
snapshots $0.05 per GB-month)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tagcheck.catalog.prices import default_pricebook
from tagcheck.cost.estimate import COMPUTE, STORAGE, CostModel, rds_gp3_included_iops
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.source import scan

PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'


def estimate(tmp_path: Path, body: str, address: str):
    (tmp_path / "main.tf").write_text(PROVIDER + textwrap.dedent(body))
    resources = scan([tmp_path], RootInputs([], {}, None)).resources
    target = next(r for r in resources if r.address == address)
    return CostModel(default_pricebook(), resources).estimate(target)


def lines(est) -> list[tuple[str, str, float]]:
    return [(line.item, line.component, round(line.monthly_usd, 2)) for line in est.lines]


# --- RDS gp3 -----------------------------------------------------------------------------

@pytest.mark.parametrize("engine, storage, included", [
    ("postgres", 399, 3000), ("postgres", 400, 12000), ("mysql", 1000, 12000), ("mariadb", 400, 12000),
    ("oracle-ee", 200, 12000), ("oracle-se2", 199, 3000), ("sqlserver-se", 5000, 3000),
])
def test_rds_gp3_includes_12000_iops_from_400_gb(engine, storage, included):
    assert rds_gp3_included_iops(engine, storage) == included


def test_rds_gp3_bills_only_the_iops_above_what_the_volume_includes(tmp_path):
    est = estimate(tmp_path, """
        resource "aws_db_instance" "db" {
          engine            = "postgres"
          instance_class    = "db.m5.large"
          allocated_storage = 500
          storage_type      = "gp3"
          iops              = 15000
        }
    """, "aws_db_instance.db")
    # 730 h × $0.178 = 129.94; 500 GB × $0.115 = 57.50; (15,000 − 12,000) IOPS × $0.02 = 60.00
    # (billing the 12,000 above 3,000 too gave $240 of IOPS: the 2.6–3.3× overestimate)
    assert lines(est) == [("db.m5.large postgres", COMPUTE, 129.94), ("gp3 storage", STORAGE, 57.50),
                          ("gp3 provisioned IOPS above 12,000", STORAGE, 60.00)]
    assert est.monthly_usd == 247.44


def test_rds_without_allocated_storage_names_the_storage_it_leaves_out(tmp_path):
    est = estimate(tmp_path, """
        resource "aws_db_instance" "replica" {
          engine              = "postgres"
          instance_class      = "db.m5.large"
          replicate_source_db = "source-db"
        }
    """, "aws_db_instance.replica")
    assert lines(est) == [("db.m5.large postgres", COMPUTE, 129.94)]
    assert any("allocated_storage not set" in e for e in est.excluded)


# --- EKS node groups -----------------------------------------------------------------------

def test_a_node_group_gets_its_instance_type_and_disks_from_its_launch_template(tmp_path):
    est = estimate(tmp_path, """
        resource "aws_launch_template" "nodes" {
          instance_type = "m5.xlarge"
          block_device_mappings {
            device_name = "/dev/xvda"
            ebs {
              volume_size = 50
              volume_type = "gp3"
            }
          }
        }
        resource "aws_eks_node_group" "ng" {
          cluster_name  = "c"
          node_role_arn = "arn:aws:iam::123456789012:role/n"
          subnet_ids    = ["subnet-1"]
          scaling_config {
            desired_size = 3
            max_size     = 3
            min_size     = 3
          }
          launch_template {
            id      = aws_launch_template.nodes.id
            version = "$Latest"
          }
        }
    """, "aws_eks_node_group.ng")
    # 3 × 730 h × $0.192 = 420.48 (priced as t3.medium it was $91.10); 3 × 50 GB gp3 × $0.08 = 12.00
    assert lines(est) == [("m5.xlarge on-demand × 3", COMPUTE, 420.48),
                          ("/dev/xvda gp3 storage × 3", STORAGE, 12.00)]


def test_a_node_group_without_a_launch_template_has_the_default_20_gb_disk(tmp_path):
    est = estimate(tmp_path, """
        resource "aws_eks_node_group" "ng" {
          cluster_name  = "c"
          node_role_arn = "arn:aws:iam::123456789012:role/n"
          subnet_ids    = ["subnet-1"]
          scaling_config {
            desired_size = 2
            max_size     = 2
            min_size     = 2
          }
        }
    """, "aws_eks_node_group.ng")
    # t3.medium (EKS's default): 2 × 730 × $0.0416 = 60.74; 2 × 20 GB gp2 × $0.10 = 4.00
    assert lines(est) == [("t3.medium on-demand × 2", COMPUTE, 60.74), ("node disk gp2 storage × 2", STORAGE, 4.00)]


# --- Auto Scaling groups -------------------------------------------------------------------

def test_an_asg_on_a_launch_configuration_is_priced_with_its_volumes(tmp_path):
    est = estimate(tmp_path, """
        resource "aws_launch_configuration" "web" {
          image_id      = "ami-123"
          instance_type = "m5.large"
          root_block_device {
            volume_size = 30
            volume_type = "gp2"
          }
        }
        resource "aws_autoscaling_group" "web" {
          min_size             = 2
          max_size             = 4
          launch_configuration = aws_launch_configuration.web.name
        }
    """, "aws_autoscaling_group.web")
    # 2 × 730 × $0.096 = 140.16; 2 × 30 GB gp2 × $0.10 = 6.00 (it had no number at all)
    assert lines(est) == [("m5.large on-demand × 2", COMPUTE, 140.16), ("root volume gp2 storage × 2", STORAGE, 6.00)]


def test_mixed_instances_overrides_replace_the_template_type_and_weights_count_units(tmp_path):
    est = estimate(tmp_path, """
        resource "aws_launch_template" "web" {
          instance_type = "t3.medium"
        }
        resource "aws_autoscaling_group" "web" {
          min_size         = 8
          max_size         = 8
          desired_capacity = 8
          mixed_instances_policy {
            launch_template {
              launch_template_specification {
                launch_template_id = aws_launch_template.web.id
              }
              override {
                instance_type     = "m5.xlarge"
                weighted_capacity = "4"
              }
              override {
                instance_type     = "m5.large"
                weighted_capacity = "2"
              }
            }
          }
        }
    """, "aws_autoscaling_group.web")
    # 8 capacity units ÷ 4 per m5.xlarge = 2 instances: 2 × 730 × $0.192 = 280.32
    assert lines(est)[0] == ("m5.xlarge on-demand × 2", COMPUTE, 280.32)
    assert any("from the AMI" in e for e in est.excluded)  # the template maps no volumes


# --- snapshots -----------------------------------------------------------------------------

def test_a_snapshot_is_priced_at_most_as_its_volume_or_has_no_number(tmp_path):
    est = estimate(tmp_path, """
        resource "aws_ebs_volume" "data" {
          availability_zone = "us-east-1a"
          size              = 200
        }
        resource "aws_ebs_snapshot" "data" {
          volume_id = aws_ebs_volume.data.id
        }
        resource "aws_ebs_snapshot" "other" {
          volume_id = "vol-0123456789abcdef0"
        }
    """, "aws_ebs_snapshot.data")
    assert lines(est) == [("snapshot storage (at most)", STORAGE, 10.00)]  # 200 GB × $0.05
    other = estimate(tmp_path, 'resource "aws_ebs_snapshot" "other" {\n  volume_id = "vol-1"\n}\n',
                     "aws_ebs_snapshot.other")
    assert other.monthly_usd is None and "known only once it is taken" in other.unknown  # not $0
