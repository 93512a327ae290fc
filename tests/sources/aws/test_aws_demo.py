"""``tagcheck aws --demo``: moto in-process, the example platform as deployed, the planted drift found —
with no credentials, no profile and a proxy that would swallow any request that left the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from aws_helpers import EXAMPLE_POLICY

from tagcheck.sources.aws import demo


def _env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9", AWS_PROFILE="does-not-exist")
    return env


def _run(*args):
    proc = subprocess.run([sys.executable, "-m", "tagcheck", "aws", "--demo", "-f", "json", *args],
                          capture_output=True, text=True, env=_env(), timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), proc.stderr


def test_demo_finds_the_planted_drift(tmp_path):
    doc, err = _run("--cost-explorer")
    found = {(f["rule"], f["resource"]["address"].split(":")[-1].split("/")[-1]) for f in doc["findings"]}
    by_rule = {}
    for f in doc["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    account = demo.ACCOUNT
    # hand-made drift only the account shows
    assert ("TAG001", f"ml-platform-scratch-{account}") in found
    assert [f["monthly_saving_usd"] for f in by_rule["COST212"]] == [20.0]  # 200 GiB gp2 × $0.10
    [notebook] = by_rule["COST210"]  # m5.xlarge → m5.large, ($0.192 − $0.096) × 730
    assert notebook["details"]["suggested"] == "m5.large" and notebook["monthly_saving_usd"] == 70.08
    assert by_rule["COST211"][0]["resource"]["address"] == notebook["resource"]["address"]
    assert by_rule["COST213"][0]["monthly_saving_usd"] == 3.65
    assert "ml-platform-canary" in by_rule["COST214"][0]["resource"]["address"]
    assert by_rule["COST215"][0]["details"]["age_days"] >= 399
    assert any(f["resource"]["address"].endswith("/ml-platform-dev/trainer") for f in by_rule["COST206"])
    # the example's own mistakes, as deployed
    assert ("COST205", f"ml-platform-prod-logs-{account}") in found
    assert ("TAG001", f"ml-platform-prod-datasets-backup-{account}") in found
    assert "TAG002" in by_rule and "TAG003" in by_rule
    asg = [f for f in by_rule["TAG001"] if f["resource"]["type"] == "aws_autoscaling_group"]
    assert set(asg[0]["details"]["missing"]) == {"team", "environment"}
    trainer = [f for f in by_rule["TAG001"] if f["resource"]["type"] == "aws_instance"]
    assert trainer[0]["details"]["missing"] == ["cost-center"] and trainer[0]["monthly_cost_usd"] == 2233.8
    assert {"COST201", "COST202", "COST203"} <= set(by_rule)
    scan = doc["summary"]["scan"]
    assert scan["demo"] is True and scan["regions"] == ["us-east-1", "us-west-2"]
    assert all(c["status"] == "ok" for c in scan["coverage"])
    assert scan["cost_explorer"]["status"] == "ok"
    assert scan["cost_explorer"]["by_tag"]["cost-center"]["untagged_usd"] == 3298.30
    assert "collectors:" in err


def test_demo_policy_is_the_example_policy():
    assert demo.POLICY_TEXT == EXAMPLE_POLICY.read_text(encoding="utf-8")
    assert demo.policy_path() == EXAMPLE_POLICY
