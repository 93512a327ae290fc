"""The audit only ever reads: Describe*/List*/Get* (and sts:AssumeRole), proven over a full audit.

The recorder is registered on every boto3 session the audit creates (by patching
``boto3.session.Session``), independently of tagcheck's own guard, and sees every operation
before it is sent. A second test shows the guard itself refuses a write before it leaves.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import pytest
from aws_helpers import REGION, audit, iam_role, lambda_zip

from tagcheck.sources.aws import demo
from tagcheck.sources.aws.session import CallCounter, ReadOnlyViolation, hooked

READ = re.compile(r"^(Describe|List|Get)[A-Z]")


def _seed_everything():
    demo.build(None)  # the demo account: EC2, ELB, ASG, RDS, S3 in two regions, Logs, CloudWatch
    role = iam_role()
    boto3.client("lambda", region_name=REGION).create_function(
        FunctionName="fn", Runtime="python3.12", Role=role, Handler="handler.handler", Code={"ZipFile": lambda_zip()})
    boto3.client("dynamodb", region_name=REGION).create_table(
        TableName="table-1", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    eks = boto3.client("eks", region_name=REGION)
    eks.create_cluster(name="cluster", roleArn=role, resourcesVpcConfig={"subnetIds": []})
    eks.create_nodegroup(clusterName="cluster", nodegroupName="workers", nodeRole=role, subnets=["subnet-1"])
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="cluster")
    ecs.register_task_definition(family="api", containerDefinitions=[{"name": "c", "image": "i", "memory": 128}])
    ecs.create_service(cluster="cluster", serviceName="api", taskDefinition="api", desiredCount=1)
    boto3.client("elasticache", region_name=REGION).create_cache_cluster(
        CacheClusterId="cache", Engine="redis", CacheNodeType="cache.t3.micro", NumCacheNodes=1)
    boto3.client("efs", region_name=REGION).create_file_system(CreationToken="fs")
    org = boto3.client("organizations", region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    org.create_account(Email="member@example.com", AccountName="member")


def test_a_full_audit_calls_only_read_operations(moto, monkeypatch):
    _seed_everything()
    seen: list[str] = []
    original = boto3.session.Session.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register("before-call", lambda model, **_: seen.append(f"{model.service_model.service_name}:{model.name}"))

    monkeypatch.setattr(boto3.session.Session, "__init__", recording_init)
    result = audit(regions=(REGION, "us-west-2"), assume_role="OrganizationAccountAccessRole", organization=True,
                   cost_explorer=True, cost_tag_keys=("team", "cost-center"))
    assert len(result.accounts) == 2 and result.resources
    assert all(c["status"] == "ok" for c in result.coverage), [c for c in result.coverage if c["status"] != "ok"]
    writes = sorted({op for op in seen if not READ.match(op.split(":", 1)[1]) and op != "sts:AssumeRole"})
    assert writes == []
    assert len(seen) == result.api_calls  # tagcheck's own count agrees with the independent recorder
    services = {op.split(":", 1)[0] for op in seen}
    assert {"ec2", "elbv2", "autoscaling", "rds", "s3", "lambda", "dynamodb", "eks", "ecs", "elasticache", "efs",
            "logs", "cloudwatch", "sts", "organizations", "ce"} <= services


def test_the_guard_refuses_a_write_before_it_is_sent(moto):
    session = hooked(boto3.Session(region_name=REGION), CallCounter())
    with pytest.raises(ReadOnlyViolation, match="s3:CreateBucket"):
        session.client("s3").create_bucket(Bucket="must-not-exist")
    assert boto3.client("s3", region_name=REGION).list_buckets()["Buckets"] == []


POLICY = Path(__file__).resolve().parents[3] / "src" / "tagcheck" / "policies" / "aws-audit-iam-policy.json"
IAM_PREFIX = {"elbv2": "elasticloadbalancing", "efs": "elasticfilesystem"}
IAM_ACTION = {"s3:ListBuckets": "s3:ListAllMyBuckets",
              "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration"}


def _allowed_actions() -> set[str]:
    statements = json.loads(POLICY.read_text(encoding="utf-8"))["Statement"]
    actions = set()
    for statement in statements:
        assert statement["Effect"] == "Allow"
        listed = statement["Action"]
        actions.update([listed] if isinstance(listed, str) else listed)
    return actions


def test_the_shipped_iam_policy_is_read_only_and_covers_every_call(moto, monkeypatch):
    allowed = _allowed_actions()
    assert all(READ.match(a.split(":", 1)[1]) or a == "sts:AssumeRole" for a in allowed)
    assert not any("*" in a for a in allowed)
    _seed_everything()
    seen: set[str] = set()
    original = boto3.session.Session.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register("before-call", lambda model, **_: seen.add(f"{model.service_model.service_name}:{model.name}"))

    monkeypatch.setattr(boto3.session.Session, "__init__", recording_init)
    audit(regions=(REGION,), assume_role="OrganizationAccountAccessRole", organization=True, cost_explorer=True,
          cost_tag_keys=("team",))
    needed = {IAM_ACTION.get(op, IAM_PREFIX.get(op.split(":")[0], op.split(":")[0]) + ":" + op.split(":")[1]) for op in seen}
    assert needed - allowed == set()
