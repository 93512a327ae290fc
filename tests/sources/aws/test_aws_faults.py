"""Faults become coverage entries, never crashes and never silent gaps.

Errors are injected at botocore's ``before-call`` event (see ``aws_helpers.inject_fault``): the
client raises exactly what AWS's error response would make it raise, and nothing is sent.
"""

from __future__ import annotations

import json

import boto3
import pytest
from aws_helpers import REGION, audit, inject_fault, run_rules
from botocore.exceptions import EndpointConnectionError

from tagcheck.cli import main

AMI = "ami-12345678"


def _seed():
    boto3.client("ec2", region_name=REGION).run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large")
    boto3.client("rds", region_name=REGION).create_db_instance(
        DBInstanceIdentifier="db", DBInstanceClass="db.t3.micro", Engine="postgres", AllocatedStorage=20,
        MasterUsername="admin_user", MasterUserPassword="password123")
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="bucket-one")
    s3.put_bucket_tagging(Bucket="bucket-one", Tagging={"TagSet": [{"Key": "team", "Value": "a"}]})


def _coverage(result, service):
    return [c for c in result.coverage if c["service"] == service]


def test_access_denied_on_one_service_leaves_the_rest_audited(moto, monkeypatch):
    _seed()
    inject_fault(monkeypatch, "before-call.rds.DescribeDBInstances", "AccessDenied")
    result = audit(services=("ec2", "rds", "s3", "cloudwatch"))
    [rds] = _coverage(result, "rds")
    assert rds["status"] == "denied" and "AccessDenied" in rds["message"] and "DescribeDBInstances" in rds["message"]
    assert rds["region"] == REGION and rds["resources"] == 0
    assert {r.type for r in result.resources} >= {"aws_instance", "aws_s3_bucket"}
    assert not any(r.type == "aws_db_instance" for r in result.resources)
    assert all(c["status"] == "ok" for c in result.coverage if c["service"] != "rds")
    assert result.scan_info()["coverage_problems"] == 1


def test_unauthorized_operation_on_ec2_is_denied_too(moto, monkeypatch):
    _seed()
    inject_fault(monkeypatch, "before-call.ec2.DescribeSnapshots", "UnauthorizedOperation")
    result = audit(services=("ec2",))
    statuses = {c["collector"]: c["status"] for c in _coverage(result, "ec2")}
    assert statuses == {"instances": "ok", "volumes": "ok", "snapshots": "denied", "addresses": "ok", "nat_gateways": "ok"}


def test_a_denied_tag_read_keeps_the_bucket_with_unknown_tags(moto, monkeypatch):
    _seed()
    inject_fault(monkeypatch, "before-call.s3.GetBucketTagging", "AccessDenied")
    result = audit(services=("s3",))
    [bucket] = [r for r in result.resources if r.type == "aws_s3_bucket"]
    assert not bucket.tags.complete and "AccessDenied" in bucket.tags.unknown_reason
    [entry] = _coverage(result, "s3")
    assert entry["status"] == "denied" and entry["partial"] is True and entry["resources"] == 1
    findings = run_rules(result.resources).findings
    assert {f.rule for f in findings if f.resource is bucket} >= {"TAG005"}
    assert not any(f.rule == "TAG001" and f.resource is bucket for f in findings)  # unknown is not missing


def test_a_failing_region_endpoint_is_an_error_entry(moto, monkeypatch):
    _seed()
    error = EndpointConnectionError(endpoint_url="https://ec2.eu-west-1.amazonaws.com/")
    inject_fault(monkeypatch, "before-call.ec2", exception=error,
                 when=lambda params, context: context.get("client_region") == "eu-west-1")
    result = audit(regions=(REGION, "eu-west-1"), services=("ec2",))
    broken = [c for c in _coverage(result, "ec2") if c["region"] == "eu-west-1"]
    assert broken and all(c["status"] == "error" and "EndpointConnectionError" in c["message"] for c in broken)
    assert all(c["status"] == "ok" for c in _coverage(result, "ec2") if c["region"] == REGION)
    assert any(r.type == "aws_instance" for r in result.resources)


def test_an_opt_in_region_says_so(moto, monkeypatch):
    inject_fault(monkeypatch, "before-call.ec2.DescribeInstances", "OptInRequired",
                 when=lambda params, context: context.get("client_region") == "eu-west-1")
    result = audit(regions=(REGION, "eu-west-1"), services=("ec2",))
    [entry] = [c for c in result.coverage if c["region"] == "eu-west-1" and c["collector"] == "instances"]
    assert entry["status"] == "error" and "is the region enabled" in entry["message"]


def test_denied_metrics_lose_the_evidence_not_the_instance(moto, monkeypatch):
    _seed()
    inject_fault(monkeypatch, "before-call.cloudwatch.GetMetricData", "AccessDenied")
    result = audit(services=("ec2", "cloudwatch"))
    assert [c["status"] for c in _coverage(result, "cloudwatch")] == ["denied"]
    instance = next(r for r in result.resources if r.type == "aws_instance")
    assert "cpu_daily_max_pct" not in instance.attributes["live"]


def test_cost_explorer_denied_falls_back_to_estimates(moto, monkeypatch):
    inject_fault(monkeypatch, "before-call.cost-explorer.GetCostAndUsage", "AccessDeniedException")
    result = audit(services=("s3",), cost_explorer=True, cost_tag_keys=("team",))
    assert result.cost_explorer["status"] == "denied" and result.cost_explorer["fallback"] == "catalogue estimates"
    assert [c["status"] for c in _coverage(result, "ce")] == ["denied"]


def test_cli_reports_denials_on_stderr_and_exits_normally(moto, monkeypatch, capsys):
    _seed()
    inject_fault(monkeypatch, "before-call.rds.DescribeDBInstances", "AccessDenied")
    status = main(["aws", "--region", REGION, "--services", "rds,ec2", "-f", "json", "--fail-on", "never"])
    out, err = capsys.readouterr()
    assert status == 0
    assert "denied: 123456789012 us-east-1 rds db_instances" in err
    coverage = json.loads(out)["summary"]["scan"]["coverage"]
    assert any(c["service"] == "rds" and c["status"] == "denied" for c in coverage)


def test_no_credentials_is_bad_input(aws_env, monkeypatch, capsys):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing is sent without credentials anyway
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    status = main(["aws", "--region", REGION])
    assert status == 2 and "no usable AWS credentials" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--region", REGION, "--all-regions"], "exclude each other"),
    (["--region", "moon-base-1a"], "not an AWS region name"),
    (["--services", "ec2,quantum"], "unknown service 'quantum'"),
    (["--accounts", "111122223333"], "need --assume-role"),
    (["--assume-role", "Audit"], "needs --accounts"),
    (["--assume-role", "Audit", "--accounts", "1234"], "12-digit account ids"),
    (["--assume-role", "arn:aws:iam::111122223333:role/Audit", "--organization"], "not an ARN"),
    (["--demo", "--profile", "prod"], "--demo audits its own"),
])
def test_bad_options_exit_2(aws_env, capsys, argv, message):
    assert main(["aws", *argv]) == 2
    assert message in capsys.readouterr().err
