"""The policy's hold on the cost rules, through the command line (DESIGN.md §3–§4).

- Rule options are validated against each rule's schema: a misspelt threshold is bad
  input (exit 2) with a message naming the file, the line and the key.
- ``cost.prices`` (negotiated rates, the price file's shape deep-merged over it) and
  ``cost.spot_discount`` change the dollar figures of every finding.

Expected figures are computed here from prices_aws.json (730 h a month), not copied from
tagcheck's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagcheck.cli import main

DEV_M5_LARGE = '''\
provider "aws" { region = "us-east-1" }
resource "aws_instance" "dev" {
  ami           = "ami-12345678"
  instance_type = "m5.large"
  tags          = { environment = "dev" }
}
'''

BASE_POLICY = '''\
version: 1
tags:
  required: [environment]
environments: {tag: environment, non_production: [dev]}
'''


def _write(directory: Path, tf: str, policy: str) -> Path:
    (directory / "main.tf").write_text(tf, encoding="utf-8")
    path = directory / "tagcheck-policy.yaml"
    path.write_text(policy, encoding="utf-8")
    return path


def _scan_json(directory: Path, policy: Path, capsys) -> dict:
    status = main(["scan", str(directory), "--policy", str(policy), "--format", "json", "--fail-on", "never"])
    out = capsys.readouterr().out
    assert status == 0, out
    return json.loads(out)


def _finding(report: dict, rule: str, address: str) -> dict:
    hits = [f for f in report["findings"] if f["rule"] == rule and f["resource"]["address"] == address]
    assert len(hits) == 1, report["findings"]
    return hits[0]


# --- a misspelt option is bad input ----------------------------------------------------------

def test_misspelt_rule_option_is_rejected_with_file_line_and_key(tmp_path: Path, capsys) -> None:
    policy = _write(tmp_path, DEV_M5_LARGE, "version: 1\n"
                                            "tags: {required: [environment]}\n"
                                            "rules:\n"
                                            "  COST202: {hours_per_wek: 40}\n")   # line 4
    status = main(["scan", str(tmp_path), "--policy", str(policy)])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    err = captured.err
    assert f"{policy}:4" in err
    assert "rules.COST202.hours_per_wek" in err
    assert "hours_per_week" in err   # the near miss is suggested


@pytest.mark.parametrize("option, line", [
    ("{hours_per_week: 200}", 6),        # schema maximum 167 (line 6: after 4 lines of base and "rules:")
    ("{hours_per_week: forty}", 6),      # not an integer
])
def test_out_of_range_rule_option_is_rejected(tmp_path: Path, capsys, option: str, line: int) -> None:
    policy = _write(tmp_path, DEV_M5_LARGE, BASE_POLICY + "rules:\n" + f"  COST202: {option}\n")
    status = main(["scan", str(tmp_path), "--policy", str(policy)])
    err = capsys.readouterr().err
    assert status == 2
    assert f"{policy}:{line}" in err and "COST202" in err and "hours_per_week" in err


def test_option_of_a_rule_without_options_is_rejected(tmp_path: Path, capsys) -> None:
    policy = _write(tmp_path, DEV_M5_LARGE, BASE_POLICY + "rules:\n  COST201: {max_size: large}\n")
    status = main(["scan", str(tmp_path), "--policy", str(policy)])
    err = capsys.readouterr().err
    assert status == 2
    assert f"{policy}:6" in err and "max_size" in err


def test_valid_option_is_accepted_and_used(tmp_path: Path, capsys) -> None:
    policy = _write(tmp_path, DEV_M5_LARGE, BASE_POLICY + "rules:\n  COST202: {hours_per_week: 40}\n")
    finding = _finding(_scan_json(tmp_path, policy, capsys), "COST202", "aws_instance.dev")
    assert finding["monthly_cost_usd"] == pytest.approx(70.08, abs=0.005)     # $0.096/h × 730 h
    assert finding["monthly_saving_usd"] == pytest.approx(53.39, abs=0.005)   # 70.08 × (1 − 40/168) = 53.394


# --- negotiated prices -------------------------------------------------------------------------

def test_catalogue_prices_without_overrides(tmp_path: Path, capsys) -> None:
    policy = _write(tmp_path, DEV_M5_LARGE, BASE_POLICY)
    report = _scan_json(tmp_path, policy, capsys)
    finding = _finding(report, "COST202", "aws_instance.dev")
    assert finding["monthly_cost_usd"] == pytest.approx(70.08, abs=0.005)     # $0.096/h × 730 h
    assert finding["monthly_saving_usd"] == pytest.approx(49.22, abs=0.005)   # 70.08 × 118/168 = 49.223
    assert report["summary"]["cost"]["monthly_usd"] == pytest.approx(70.08, abs=0.005)


@pytest.mark.parametrize("prices", [
    "{regions: {us-east-1: {ec2: {m5.large: 0.05}}}}",   # the price file's shape
    "{us-east-1: {ec2: {m5.large: 0.05}}}",              # shorthand: region at the top level
])
def test_price_override_changes_the_figures(tmp_path: Path, capsys, prices: str) -> None:
    policy = _write(tmp_path, DEV_M5_LARGE, BASE_POLICY + f"cost:\n  prices: {prices}\n")
    report = _scan_json(tmp_path, policy, capsys)
    finding = _finding(report, "COST202", "aws_instance.dev")
    assert finding["monthly_cost_usd"] == pytest.approx(36.50, abs=0.005)     # $0.05/h × 730 h
    assert finding["monthly_saving_usd"] == pytest.approx(25.64, abs=0.005)   # 36.50 × 118/168 = 25.637
    assert report["summary"]["cost"]["monthly_usd"] == pytest.approx(36.50, abs=0.005)


def test_price_override_is_deep_merged_other_prices_stay(tmp_path: Path, capsys) -> None:
    tf = DEV_M5_LARGE + '''\
resource "aws_instance" "other" {
  ami           = "ami-12345678"
  instance_type = "m5.2xlarge"
  tags          = { environment = "dev" }
}
'''
    policy = _write(tmp_path, tf, BASE_POLICY + "governance: {non_production: {max_instance_size: xlarge}}\n"
                                                "cost: {prices: {us-east-1: {ec2: {m5.xlarge: 0.10}}}}\n")
    report = _scan_json(tmp_path, policy, capsys)
    untouched = _finding(report, "COST202", "aws_instance.dev")
    assert untouched["monthly_cost_usd"] == pytest.approx(70.08, abs=0.005)      # catalogue $0.096 × 730
    rightsize = _finding(report, "COST201", "aws_instance.other")
    assert rightsize["monthly_cost_usd"] == pytest.approx(280.32, abs=0.005)     # catalogue $0.384 × 730
    assert rightsize["monthly_saving_usd"] == pytest.approx(207.32, abs=0.005)   # ($0.384 − $0.10) × 730


def test_price_file_relative_to_the_policy(tmp_path: Path, capsys) -> None:
    (tmp_path / "rates.yaml").write_text("regions:\n  us-east-1:\n    ec2:\n      m5.large: 0.05\n", encoding="utf-8")
    policy = _write(tmp_path, DEV_M5_LARGE, BASE_POLICY + "cost: {prices: rates.yaml}\n")
    finding = _finding(_scan_json(tmp_path, policy, capsys), "COST202", "aws_instance.dev")
    assert finding["monthly_cost_usd"] == pytest.approx(36.50, abs=0.005)     # $0.05/h × 730 h


def test_spot_discount_override(tmp_path: Path, capsys) -> None:
    tf = DEV_M5_LARGE.replace('environment = "dev"', 'environment = "dev", workload = "batch"')
    policy = _write(tmp_path, tf, BASE_POLICY + "cost: {spot_discount: {m5: 0.5}}\n")
    finding = _finding(_scan_json(tmp_path, policy, capsys), "COST203", "aws_instance.dev")
    assert finding["monthly_saving_usd"] == pytest.approx(35.04, abs=0.005)   # 70.08 × 0.5 (catalogue: 0.65)
    # 70.08 × (1 − 50/168 × 0.5) = 59.651
    assert finding["details"]["combined_with_schedule_usd"] == pytest.approx(59.65, abs=0.005)


@pytest.mark.parametrize("prices, words", [
    ("{us-east-1: {ec2: {m5.large: -1}}}", ["m5.large"]),
    ("{us-east-1: {ecc2: {m5.large: 0.05}}}", ["ecc2"]),
    ("missing-rates.yaml", ["missing-rates.yaml", "not found"]),
])
def test_bad_price_override_is_bad_input(tmp_path: Path, capsys, prices: str, words: list[str]) -> None:
    policy = _write(tmp_path, DEV_M5_LARGE, BASE_POLICY + f"cost: {{prices: {prices}}}\n")
    status = main(["scan", str(tmp_path), "--policy", str(policy)])
    err = capsys.readouterr().err
    assert status == 2
    for word in words:
        assert word in err
    assert "Traceback" not in err
