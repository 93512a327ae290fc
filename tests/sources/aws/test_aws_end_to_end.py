"""End to end: moto's real server, seeded with boto3, audited by ``python -m tagcheck aws`` in a
subprocess that knows only ``AWS_ENDPOINT_URL`` and dummy credentials — and moto's state is the
same afterwards (the audit wrote nothing).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import boto3
import pytest
from aws_helpers import ACCOUNT, REGION, clean_env

DEV_TAGS = {"team": "ml-platform", "environment": "dev"}


@pytest.fixture
def moto_server(aws_env):
    from moto.moto_api._internal.models import moto_api_backend
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto_api_backend.reset()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    moto_api_backend.reset()


def _seed(endpoint):
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=endpoint)
    gpu = ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="p3.2xlarge",
                            TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                {"Key": k, "Value": v} for k, v in DEV_TAGS.items()]}])["Instances"][0]["InstanceId"]
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=endpoint)
    s3.create_bucket(Bucket="untagged-scratch-bucket")
    s3.create_bucket(Bucket="tagged-data-bucket")
    s3.put_bucket_tagging(Bucket="tagged-data-bucket", Tagging={"TagSet": [
        {"Key": "team", "Value": "ml-platform"}, {"Key": "environment", "Value": "prod"},
        {"Key": "cost-center", "Value": "cc-1001"}]})
    boto3.client("logs", region_name=REGION, endpoint_url=endpoint).create_log_group(logGroupName="/app/forever")
    return gpu


def _state(endpoint):
    """Everything the audit could have changed, as plain data."""
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=endpoint)
    s3 = boto3.client("s3", region_name=REGION, endpoint_url=endpoint)
    logs = boto3.client("logs", region_name=REGION, endpoint_url=endpoint)
    instances = sorted((i["InstanceId"], i["State"]["Name"], i["InstanceType"], str(sorted((t["Key"], t["Value"]) for t in i.get("Tags", []))))
                       for r in ec2.describe_instances()["Reservations"] for i in r["Instances"])
    volumes = sorted((v["VolumeId"], v["State"], v["Size"]) for v in ec2.describe_volumes()["Volumes"])
    buckets = []
    for bucket in s3.list_buckets()["Buckets"]:
        try:
            tags = s3.get_bucket_tagging(Bucket=bucket["Name"])["TagSet"]
        except s3.exceptions.ClientError:
            tags = []
        buckets.append((bucket["Name"], str(sorted((t["Key"], t["Value"]) for t in tags))))
    groups = sorted((g["logGroupName"], g.get("retentionInDays")) for g in logs.describe_log_groups()["logGroups"])
    return {"instances": instances, "volumes": volumes, "buckets": sorted(buckets), "log_groups": groups}


def test_subprocess_audit_of_a_moto_server(moto_server, tmp_path):
    gpu = _seed(moto_server)
    before = _state(moto_server)
    env = {**clean_env(), "AWS_ENDPOINT_URL": moto_server}
    proc = subprocess.run([sys.executable, "-m", "tagcheck", "aws", "--region", REGION, "-f", "json"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 1, proc.stderr  # errors found: exit 1, not 2 or 3
    doc = json.loads(proc.stdout)
    findings = doc["findings"]

    def on(address, rule):
        return [f for f in findings if f["resource"]["address"] == address and f["rule"] == rule]

    bucket = "arn:aws:s3:::untagged-scratch-bucket"
    [missing] = on(bucket, "TAG001")
    assert missing["location"] == {"arn": bucket}
    assert missing["resource"] == {"address": bucket, "type": "aws_s3_bucket", "origin": "aws", "region": REGION,
                                   "account": ACCOUNT}
    assert set(missing["details"]["missing"]) == {"team", "environment", "cost-center"}  # finops-baseline
    assert not on("arn:aws:s3:::tagged-data-bucket", "TAG001")
    instance = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{gpu}"
    rules = {f["rule"] for f in findings if f["resource"]["address"] == instance}
    assert {"TAG001", "COST201", "COST202", "COST203"} <= rules
    [schedule] = on(instance, "COST202")
    assert schedule["monthly_cost_usd"] == pytest.approx(2233.80)  # p3.2xlarge $3.06/h × 730 h
    assert schedule["monthly_saving_usd"] == pytest.approx(1568.98, abs=0.005)  # × (1 − 50/168)
    assert on(f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/forever", "COST206")
    scan = doc["summary"]["scan"]
    assert scan["source"] == "aws" and scan["accounts"] == [ACCOUNT] and scan["regions"] == [REGION]
    assert scan["api_calls"] > 0 and all(c["status"] == "ok" for c in scan["coverage"])
    assert {"account", "region", "service", "collector", "status", "message", "resources"} <= set(scan["coverage"][0])
    assert _state(moto_server) == before
