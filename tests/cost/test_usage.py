"""Usage the code cannot show (issue #15): a usage file, or the policy's cost.usage, prices
S3 storage, NAT data processing and CloudWatch Logs; without it those stay excluded, never
guessed. Arithmetic against the catalogue (us-east-1): S3 Standard $0.023 and Glacier
Instant Retrieval $0.004 per GB-month, NAT $0.045/h and $0.045 per GB processed, Logs
$0.50 per GB ingested and $0.03 per GB-month stored."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tagcheck.cli import main
from tagcheck.cost.usage import UsageError, load_usage

CODE = """\
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { team = "ml", environment = "prod", cost-center = "cc-1234" }
  }
}
resource "aws_s3_bucket" "datasets" {
  bucket = "datasets"
}
resource "aws_s3_bucket" "archive" {
  bucket = "archive"
}
resource "aws_nat_gateway" "main" {
  subnet_id     = "subnet-1"
  allocation_id = "eipalloc-1"
}
resource "aws_cloudwatch_log_group" "app" {
  name = "app"
}
"""

USAGE = """\
version: 1
resource_usage:
  aws_s3_bucket.datasets:
    storage_gb: 10000
  aws_s3_bucket.archive:
    storage_gb: 50000
    storage_class: GLACIER_IR
  aws_nat_gateway.main:
    data_processed_gb: 2000
resource_type_default_usage:
  aws_cloudwatch_log_group:
    ingested_gb: 20
    stored_gb: 100
"""


def report(tmp_path: Path, capsys, *args: str) -> tuple[int, dict]:
    (tmp_path / "main.tf").write_text(CODE)
    status = main(["report", str(tmp_path), "--format", "json", *args])
    return status, json.loads(capsys.readouterr().out)


def costs(doc: dict) -> dict[str, float | None]:
    return {r["address"]: r["monthly_cost_usd"] for r in doc["resources"]}


def test_without_usage_the_usage_based_charges_are_named_not_guessed(tmp_path, capsys):
    status, doc = report(tmp_path, capsys)
    assert status == 0
    rows = {r["address"]: r for r in doc["resources"]}
    assert rows["aws_s3_bucket.datasets"]["cost_lines"] == []
    assert any("storage_gb" in e for e in rows["aws_s3_bucket.datasets"]["cost_excluded"])
    assert rows["aws_nat_gateway.main"]["monthly_cost_usd"] == 32.85  # 730 h × $0.045, the hours only
    assert any("data_processed_gb" in e for e in rows["aws_nat_gateway.main"]["cost_excluded"])


def test_a_usage_file_prices_them(tmp_path, capsys):
    usage = tmp_path / "usage.yaml"
    usage.write_text(USAGE)
    status, doc = report(tmp_path, capsys, "--usage-file", str(usage))
    assert status == 0
    assert costs(doc) == {
        "aws_s3_bucket.datasets": 230.00,        # 10,000 GB × $0.023
        "aws_s3_bucket.archive": 200.00,         # 50,000 GB × $0.004 (Glacier Instant Retrieval)
        "aws_nat_gateway.main": 122.85,          # 730 h × $0.045 = 32.85, + 2,000 GB × $0.045 = 90.00
        "aws_cloudwatch_log_group.app": 13.00,   # 20 GB × $0.50 = 10.00, + 100 GB-mo × $0.03 = 3.00
    }
    assert doc["totals"]["monthly_usd"] == 565.85


def test_the_policy_can_name_the_usage_file(tmp_path, capsys):
    (tmp_path / "usage.yaml").write_text(USAGE)
    (tmp_path / "policy.yaml").write_text("version: 1\ntags:\n  required: [team]\ncost:\n  usage: usage.yaml\n")
    status, doc = report(tmp_path, capsys, "--policy", str(tmp_path / "policy.yaml"))
    assert status == 0 and costs(doc)["aws_s3_bucket.datasets"] == 230.00


def test_the_policy_can_hold_the_usage_itself(tmp_path, capsys):
    (tmp_path / "policy.yaml").write_text(
        "version: 1\ncost:\n  usage:\n    resource_type_default_usage:\n      aws_s3_bucket: {storage_gb: 100}\n")
    status, doc = report(tmp_path, capsys, "--policy", str(tmp_path / "policy.yaml"))
    assert costs(doc)["aws_s3_bucket.datasets"] == 2.30 and costs(doc)["aws_s3_bucket.archive"] == 2.30


@pytest.mark.parametrize("text, message", [
    ("version: 1\nresource_usage:\n  aws_lambda_function.f:\n    requests: 1000000\n",
     "usage.yaml:3: resource_usage.aws_lambda_function.f: usage of aws_lambda_function is not priced"),
    ("version: 1\nresource_usage:\n  aws_s3_bucket.b:\n    storage_tb: 3\n",
     "usage.yaml:4: resource_usage.aws_s3_bucket.b.storage_tb: unknown quantity for aws_s3_bucket"),
    ("version: 1\nresource_usage:\n  aws_s3_bucket.b:\n    storage_gb: lots\n",
     "usage.yaml:4: resource_usage.aws_s3_bucket.b.storage_gb: expected a number ≥ 0"),
    ("version: 2\n", "usage.yaml:1: version: only version 1 is supported"),
    ("resource_usage:\n  not an address:\n    storage_gb: 1\n", "usage.yaml:2: resource_usage.not an address: not a resource address"),
    ("version: 1\nresource_usage: [\n", "usage.yaml:"),
])
def test_bad_usage_names_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "usage.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as error:
        load_usage(path)
    assert message in str(error.value).replace(str(tmp_path) + "/", "")


def test_bad_usage_is_exit_2(tmp_path, capsys):
    (tmp_path / "main.tf").write_text(CODE)
    (tmp_path / "usage.yaml").write_text("version: 1\nresource_usage:\n  aws_s3_bucket.b: {storage_gb: -1}\n")
    status = main(["scan", str(tmp_path), "--usage-file", str(tmp_path / "usage.yaml")])
    assert status == 2
    assert "usage.yaml:3" in capsys.readouterr().err


def test_module_addresses_and_instance_keys(tmp_path):
    path = tmp_path / "usage.yaml"
    path.write_text(textwrap.dedent("""\
        resource_usage:
          module.logs["eu"].aws_s3_bucket.this[0]:
            storage_gb: 5
    """))
    usage = load_usage(path)
    assert usage.by_address == {'module.logs["eu"].aws_s3_bucket.this[0]': {"storage_gb": 5}}
