"""EKS extended support and RDS Extended Support (issue #15): priced from the support
calendar shipped in catalog/data/support_calendar.json, on the run's date. Arithmetic by
hand against the catalogue: EKS $0.10 per cluster-hour standard, $0.60 extended; RDS
Extended Support in us-east-1 $0.100 per vCPU-hour in years 1-2 and $0.200 in year 3;
db.m5.large (2 vCPU) MySQL $0.171/h."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from tagcheck.catalog import support
from tagcheck.catalog.prices import default_pricebook
from tagcheck.cost.estimate import FEE, CostModel
from tagcheck.sources.terraform.inputs import RootInputs
from tagcheck.sources.terraform.source import scan

TODAY = datetime.date(2026, 12, 3)


def estimate(tmp_path: Path, body: str, address: str, today: datetime.date = TODAY):
    (tmp_path / "main.tf").write_text('provider "aws" {\n  region = "us-east-1"\n}\n' + textwrap.dedent(body))
    resources = scan([tmp_path], RootInputs([], {}, None)).resources
    target = next(r for r in resources if r.address == address)
    return CostModel(default_pricebook(), resources, today).estimate(target)


def cluster(version: str | None, extra: str = "") -> str:
    return ('resource "aws_eks_cluster" "c" {\n  name = "c"\n  role_arn = "arn:aws:iam::1:role/r"\n'
            + (f'  version = "{version}"\n' if version else "") + extra
            + '  vpc_config {\n    subnet_ids = ["subnet-1"]\n  }\n}\n')


@pytest.mark.parametrize("version, today, monthly", [
    ("1.29", TODAY, 438.00),                       # past standard support (2025-03-23): 730 × $0.60
    ("1.29", datetime.date(2025, 1, 1), 73.00),    # still standard then: 730 × $0.10
    ("1.34", datetime.date(2026, 12, 2), 73.00),   # the last day of standard support
    ("1.34", TODAY, 438.00),                       # the day after
    ("1.27", TODAY, 438.00),                       # older than the calendar: upgraded to an extended version
    ("1.35", TODAY, 73.00),
    (None, TODAY, 73.00),                          # no version: the newest, standard
])
def test_an_eks_cluster_pays_extended_support_after_its_standard_support(tmp_path, version, today, monthly):
    assert estimate(tmp_path, cluster(version), "aws_eks_cluster.c", today).monthly_usd == monthly


def test_an_eks_upgrade_policy_of_standard_keeps_the_standard_price(tmp_path):
    est = estimate(tmp_path, cluster("1.29", '  upgrade_policy {\n    support_type = "STANDARD"\n  }\n'),
                   "aws_eks_cluster.c")
    assert est.monthly_usd == 73.00


def test_an_eks_version_from_an_unset_input_has_no_number(tmp_path):
    est = estimate(tmp_path, 'variable "v" {}\n' + cluster(None).replace('  name = "c"\n', '  name = "c"\n  version = var.v\n'),
                   "aws_eks_cluster.c")
    assert est.monthly_usd is None and "standard or extended" in est.unknown


def database(version: str, extra: str = "") -> str:
    return textwrap.dedent(f"""\
        resource "aws_db_instance" "db" {{
          engine            = "mysql"
          engine_version    = "{version}"
          instance_class    = "db.m5.large"
          allocated_storage = 20
        {extra}}}
        """)


def test_mysql_5_7_in_year_3_of_extended_support(tmp_path):
    est = estimate(tmp_path, database("5.7.44"), "aws_db_instance.db")
    extended = [line for line in est.lines if line.component == FEE]
    # 2 vCPU × 730 h × $0.200 = $292.00 a month on top of the instance
    assert [(line.item, round(line.monthly_usd, 2)) for line in extended] == [
        ("RDS Extended Support (mysql 5.7, year 3), 2 vCPU", 292.00)]


def test_years_1_2_rate_and_the_standby_pays_too(tmp_path):
    est = estimate(tmp_path, database("5.7.44", "  multi_az = true\n"), "aws_db_instance.db",
                   datetime.date(2025, 6, 1))
    extended = [line for line in est.lines if line.component == FEE]
    assert [round(line.monthly_usd, 2) for line in extended] == [292.00]  # 2 vCPU × 2 copies × 730 × $0.100


@pytest.mark.parametrize("version, extra", [
    ("8.4.3", ""),                                                               # not in extended support
    ("5.7.44", '  engine_lifecycle_support = "open-source-rds-extended-support-disabled"\n'),  # opted out
])
def test_no_extended_support_line(tmp_path, version, extra):
    est = estimate(tmp_path, database(version, extra), "aws_db_instance.db")
    assert not [line for line in est.lines if line.component == FEE]


def test_a_region_without_a_rate_says_so():
    assert support.rds_extended_rate("postgres", "12.19", "eu-west-1", TODAY) == (
        None, "RDS Extended Support (postgres 12, years 1-2)")
    assert support.rds_extended_rate("postgres", "11.22", "us-east-1", datetime.date(2027, 3, 1)) is None  # ended
    assert support.rds_extended_rate("mariadb", "10.4", "us-east-1", TODAY) is None
