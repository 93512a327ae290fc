"""Every collector against moto: tagged, untagged and near-miss (``Team``) resources, more than
one page, and the Terraform-named attributes the COST/GOV rules and estimators read.

Where moto paginates a listing, the collector runs with a page size of 2 and the test checks
the listing operation was called more than once. Where moto ignores the page size (EC2 volumes,
snapshots and NAT gateways, target groups, Lambda, ECS, S3's ListBuckets), the pages are served
by botocore's Stubber instead (``test_*_follows_pages``). DescribeAddresses has no pagination.
"""

from __future__ import annotations

import datetime
from collections import Counter

import boto3
import pytest
from aws_helpers import ACCOUNT, REGION, context, iam_role, lambda_zip, tag_rules
from botocore.stub import Stubber

from tagcheck.model import Origin, TagSource
from tagcheck.sources.aws import (autoscaling, awslambda, dynamodb, ec2, ecs, efs, eks, elasticache, elbv2, logs, rds,
                                  s3)

TAGS = {"team": "ml-platform", "environment": "dev", "cost-center": "cc-1001"}
NEAR = {"Team": "ml-platform"}
AMI = "ami-12345678"


def _pairs(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _spec(kind, tags):
    return [{"ResourceType": kind, "Tags": _pairs(tags)}] if tags else []


def _find(resources, fragment):
    matches = [r for r in resources if fragment in r.address]
    assert len(matches) == 1, (fragment, [r.address for r in resources])
    return matches[0]


def _check_tags(resources, ids, tmp_path):
    """ids: (tagged, untagged, near-miss) fragments of the addresses."""
    tagged, untagged, near = (_find(resources, i) for i in ids)
    assert tagged.tags.known_dict() == TAGS and tagged.tags.complete
    assert all(v.source == TagSource.ACCOUNT for v in tagged.tags.values.values())
    assert untagged.tags.known_dict() == {} and untagged.tags.complete
    assert near.tags.known_dict() == NEAR
    rules = tag_rules(resources, tmp_path)
    assert rules[tagged.address] == set()
    assert rules[untagged.address] == {"TAG001"}
    assert rules[near.address] == {"TAG003"}
    for r in resources:
        assert r.origin == Origin.AWS and r.location.arn == r.address and r.account == ACCOUNT
        assert isinstance(r.attributes["live"], dict)


def _vpc():
    client = boto3.client("ec2", region_name=REGION)
    vpc = client.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [client.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
               for i, az in ((1, "a"), (2, "b"))]
    return vpc, subnets


# --- EC2 -----------------------------------------------------------------------------------------

def test_instances(moto, tmp_path):
    client = boto3.client("ec2", region_name=REGION)
    ids = [client.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType=t,
                                TagSpecifications=_spec("instance", tags))["Instances"][0]["InstanceId"]
           for t, tags in (("m5.xlarge", TAGS), ("t3.micro", {}), ("c5.large", NEAR))]
    spot = client.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large",
                                InstanceMarketOptions={"MarketType": "spot"})["Instances"][0]["InstanceId"]
    client.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large",
                         TagSpecifications=_spec("instance", {"aws:autoscaling:groupName": "web"}))
    gone = client.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large")["Instances"][0]["InstanceId"]
    client.terminate_instances(InstanceIds=[gone])
    ctx, counter = context(services=("ec2",))  # no cloudwatch: no metrics follow-up
    out = ec2.instances(ctx)
    assert counter.by_operation["ec2:DescribeInstances"] >= 2  # pages of 2 reservations
    assert out.skipped == {"autoscaling_managed_instances": 1} and not out.more
    assert len(out.resources) == 4 and not any(gone in r.address for r in out.resources)
    _check_tags(out.resources, ids, tmp_path)
    first = _find(out.resources, ids[0])
    assert first.type == "aws_instance"
    assert first.address == f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{ids[0]}"
    assert first.attributes["instance_type"] == "m5.xlarge" and "instance_market_options" not in first.attributes
    assert first.attributes["live"]["state"] == "running" and first.attributes["live"]["launch_time"]
    assert first.attributes["live"]["volume_ids"]
    assert _find(out.resources, spot).attributes["instance_market_options"] == [{"market_type": "spot"}]


def test_instances_ask_for_cpu_metrics_when_cloudwatch_is_selected(moto):
    boto3.client("ec2", region_name=REGION).run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.large")
    ctx, _ = context()
    out = ec2.instances(ctx)
    assert [(t.service, t.region) for t in out.more] == [("cloudwatch", REGION)]


def test_volumes(moto, tmp_path):
    client = boto3.client("ec2", region_name=REGION)
    ids = [client.create_volume(AvailabilityZone=f"{REGION}a", Size=size, VolumeType=vtype,
                                TagSpecifications=_spec("volume", tags))["VolumeId"]
           for size, vtype, tags in ((100, "gp2", TAGS), (50, "st1", {}), (20, "gp3", NEAR))]
    instance = client.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")["Instances"][0]["InstanceId"]
    client.attach_volume(VolumeId=ids[0], InstanceId=instance, Device="/dev/sdf")
    ctx, _ = context()
    out = ec2.volumes(ctx)
    _check_tags([r for r in out.resources if any(i in r.address for i in ids)], ids, tmp_path)
    attached, loose = _find(out.resources, ids[0]), _find(out.resources, ids[2])
    assert attached.type == "aws_ebs_volume"
    assert attached.attributes["size"] == 100 and attached.attributes["type"] == "gp2"
    assert attached.attributes["live"]["attached"] is True and attached.attributes["live"]["attached_to"] == [instance]
    assert loose.attributes["type"] == "gp3" and loose.attributes["live"] == {
        **loose.attributes["live"], "attached": False, "state": "available"}


def _stub_two_pages(client, operation, key, first, second, params=None, token="NextToken", request_token=None):
    stub = Stubber(client)
    request_token = request_token or token
    stub.add_response(operation, {key: first, token: "page-2"}, {**(params or {})})
    stub.add_response(operation, {key: second}, {**(params or {}), request_token: "page-2"})
    return stub


def _volume(ident):
    return {"VolumeId": ident, "Size": 8, "VolumeType": "gp3", "State": "available", "AvailabilityZone": "us-east-1a",
            "Attachments": [], "Tags": [{"Key": "team", "Value": "a"}]}


def test_volumes_follow_pages(aws_env):
    ctx, _ = context()
    client = ctx.client("ec2")
    with _stub_two_pages(client, "describe_volumes", "Volumes", [_volume("vol-1")], [_volume("vol-2")], {"MaxResults": 2}):
        out = ec2.volumes(ctx)
    assert [r.address.rsplit("/", 1)[1] for r in out.resources] == ["vol-1", "vol-2"]


def test_snapshots(moto, tmp_path):
    client = boto3.client("ec2", region_name=REGION)
    volume = client.create_volume(AvailabilityZone=f"{REGION}a", Size=30)["VolumeId"]
    ids = [client.create_snapshot(VolumeId=volume, Description=d, TagSpecifications=_spec("snapshot", tags))["SnapshotId"]
           for d, tags in (("nightly", TAGS), ("Created by CreateImage(i-0abc) for ami-0123456789abcdef0", {}), ("x", NEAR))]
    ctx, _ = context()
    out = ec2.snapshots(ctx)
    _check_tags(out.resources, ids, tmp_path)
    snap = _find(out.resources, ids[0])
    assert snap.address == f"arn:aws:ec2:{REGION}::snapshot/{ids[0]}"  # snapshot ARNs carry no account
    assert snap.type == "aws_ebs_snapshot" and snap.attributes["volume_size"] == 30
    assert snap.attributes["live"]["start_time"] and snap.attributes["live"]["ami"] is None
    assert _find(out.resources, ids[1]).attributes["live"]["ami"] == "ami-0123456789abcdef0"


def test_snapshots_follow_pages_and_ask_for_own_snapshots_only(aws_env):
    ctx, _ = context()
    client = ctx.client("ec2")
    page = {"SnapshotId": "snap-1", "VolumeId": "vol-1", "VolumeSize": 8, "State": "completed",
            "StartTime": datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)}
    with _stub_two_pages(client, "describe_snapshots", "Snapshots", [page], [{**page, "SnapshotId": "snap-2"}],
                         {"OwnerIds": ["self"], "MaxResults": 2}):
        out = ec2.snapshots(ctx)
    assert len(out.resources) == 2


def test_addresses(moto, tmp_path):
    client = boto3.client("ec2", region_name=REGION)
    ids = [client.allocate_address(Domain="vpc", TagSpecifications=_spec("elastic-ip", tags))["AllocationId"]
           for tags in (TAGS, {}, NEAR)]
    instance = client.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro")["Instances"][0]["InstanceId"]
    client.associate_address(AllocationId=ids[0], InstanceId=instance)
    ctx, counter = context()
    out = ec2.addresses(ctx)
    assert counter.by_operation["ec2:DescribeAddresses"] == 1  # not a paginated operation
    _check_tags(out.resources, ids, tmp_path)
    used, idle = _find(out.resources, ids[0]), _find(out.resources, ids[1])
    assert used.address == f"arn:aws:ec2:{REGION}:{ACCOUNT}:elastic-ip/{ids[0]}" and used.type == "aws_eip"
    assert used.attributes["domain"] == "vpc" and used.attributes["live"]["associated"] is True
    assert idle.attributes["live"]["associated"] is False


def test_nat_gateways(moto, tmp_path):
    client = boto3.client("ec2", region_name=REGION)
    _, subnets = _vpc()
    ids = [client.create_nat_gateway(SubnetId=subnets[0], AllocationId=client.allocate_address(Domain="vpc")["AllocationId"],
                                     TagSpecifications=_spec("natgateway", tags))["NatGateway"]["NatGatewayId"]
           for tags in (TAGS, {}, NEAR)]
    ctx, _ = context(page_size=5)
    out = ec2.nat_gateways(ctx)
    _check_tags(out.resources, ids, tmp_path)
    nat = _find(out.resources, ids[0])
    assert nat.type == "aws_nat_gateway" and nat.attributes["subnet_id"] == subnets[0]
    assert nat.attributes["live"]["state"] == "available"


def test_nat_gateways_follow_pages(aws_env):
    ctx, _ = context(page_size=5)
    page = {"NatGatewayId": "nat-1", "SubnetId": "subnet-1", "State": "available", "NatGatewayAddresses": []}
    with _stub_two_pages(ctx.client("ec2"), "describe_nat_gateways", "NatGateways", [page],
                         [{**page, "NatGatewayId": "nat-2"}, {**page, "NatGatewayId": "nat-3", "State": "deleted"}],
                         {"MaxResults": 5}):
        out = ec2.nat_gateways(ctx)
    assert [r.address.rsplit("/", 1)[1] for r in out.resources] == ["nat-1", "nat-2"]  # deleted ones are gone


# --- ELBv2 ---------------------------------------------------------------------------------------

def test_load_balancers(moto, tmp_path):
    vpc, subnets = _vpc()
    client = boto3.client("elbv2", region_name=REGION)
    arns = [client.create_load_balancer(Name=name, Subnets=subnets, Type=kind, **({"Tags": _pairs(tags)} if tags else {}))
            ["LoadBalancers"][0]["LoadBalancerArn"] for name, kind, tags in (("alb", "application", TAGS), ("nlb", "network", {}), ("near", "application", NEAR))]
    group = client.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    client.create_listener(LoadBalancerArn=arns[0], Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    instance = boto3.client("ec2", region_name=REGION).run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnets[0])["Instances"][0]["InstanceId"]
    client.register_targets(TargetGroupArn=group, Targets=[{"Id": instance}])
    ctx, counter = context()
    out = elbv2.load_balancers(ctx)
    assert counter.by_operation["elbv2:DescribeLoadBalancers"] >= 2
    _check_tags(out.resources, [a.rsplit("/", 2)[-2] + "/" for a in arns], tmp_path)
    alb, nlb = _find(out.resources, "/alb/"), _find(out.resources, "/nlb/")
    assert alb.type == "aws_lb" and alb.address == arns[0]
    assert alb.attributes["load_balancer_type"] == "application" and nlb.attributes["load_balancer_type"] == "network"
    assert alb.attributes["live"]["target_count"] == 1 and alb.attributes["live"]["target_groups"] == 1
    assert nlb.attributes["live"]["target_count"] == 0 and nlb.attributes["live"]["target_groups"] == 0


def test_load_balancer_tags_are_read_20_at_a_time(moto):
    _, subnets = _vpc()
    client = boto3.client("elbv2", region_name=REGION)
    for i in range(23):
        client.create_load_balancer(Name=f"lb-{i:02d}", Subnets=subnets, Tags=[{"Key": "team", "Value": f"t{i}"}])
    ctx, counter = context(page_size=None)
    out = elbv2.load_balancers(ctx)
    assert counter.by_operation["elbv2:DescribeTags"] == 2
    assert sorted(r.tags.known_dict()["team"] for r in out.resources) == sorted(f"t{i}" for i in range(23))


# --- Auto Scaling ----------------------------------------------------------------------------------

def test_autoscaling_groups(moto, tmp_path):
    ec2_client, asg = boto3.client("ec2", region_name=REGION), boto3.client("autoscaling", region_name=REGION)
    template = ec2_client.create_launch_template(LaunchTemplateName="api", LaunchTemplateData={
        "ImageId": AMI, "InstanceType": "g4dn.xlarge"})["LaunchTemplate"]["LaunchTemplateId"]
    asg.create_launch_configuration(LaunchConfigurationName="old", ImageId=AMI, InstanceType="m4.large")

    def group(name, tags, **kwargs):
        asg.create_auto_scaling_group(AutoScalingGroupName=name, MinSize=0, MaxSize=4, DesiredCapacity=0,
                                      AvailabilityZones=[f"{REGION}a"],
                                      Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in tags.items()],
                                      **kwargs)

    group("api", TAGS, LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"})
    group("legacy", {}, LaunchConfigurationName="old")
    group("near", NEAR, MixedInstancesPolicy={
        "LaunchTemplate": {"LaunchTemplateSpecification": {"LaunchTemplateId": template, "Version": "$Default"},
                           "Overrides": [{"InstanceType": "m5.large"}, {"InstanceType": "m5a.large"}]},
        "InstancesDistribution": {"OnDemandPercentageAboveBaseCapacity": 0, "SpotAllocationStrategy": "price-capacity-optimized"}})
    group("eks-node-group", {"eks:nodegroup-name": "workers"}, LaunchConfigurationName="old")
    asg.put_scheduled_update_group_action(AutoScalingGroupName="api", ScheduledActionName="night",
                                          Recurrence="0 20 * * 1-5", DesiredCapacity=0)
    ctx, counter = context()
    out = autoscaling.groups(ctx)
    assert counter.by_operation["autoscaling:DescribeAutoScalingGroups"] >= 2
    assert out.skipped == {"eks_managed_autoscaling_groups": 1}
    _check_tags(out.resources, ["autoScalingGroupName/api", "autoScalingGroupName/legacy", "autoScalingGroupName/near"], tmp_path)
    api = _find(out.resources, "autoScalingGroupName/api")
    assert api.type == "aws_autoscaling_group" and api.address.startswith(f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:")
    a = api.attributes
    assert (a["name"], a["min_size"], a["max_size"], a["desired_capacity"]) == ("api", 0, 4, 0)
    assert a["launch_template"] == [{"id": template, "name": "api", "version": "$Latest"}]
    assert {"key": "team", "value": "ml-platform", "propagate_at_launch": True} in a["tag"]
    assert a["live"]["instance_type"] == "g4dn.xlarge"
    assert a["live"]["scheduled_actions"][0]["recurrence"] == "0 20 * * 1-5"
    legacy = _find(out.resources, "autoScalingGroupName/legacy").attributes
    assert legacy["launch_configuration"] == "old" and legacy["live"]["instance_type"] == "m4.large"
    assert legacy["live"]["scheduled_actions"] == []
    mixed = _find(out.resources, "autoScalingGroupName/near").attributes["mixed_instances_policy"][0]
    assert mixed["instances_distribution"][0]["on_demand_percentage_above_base_capacity"] == 0
    assert [o["instance_type"] for o in mixed["launch_template"][0]["override"]] == ["m5.large", "m5a.large"]
    assert mixed["launch_template"][0]["launch_template_specification"][0]["launch_template_id"] == template


# --- RDS -----------------------------------------------------------------------------------------

def test_db_instances(moto, tmp_path):
    client = boto3.client("rds", region_name=REGION)
    for ident, tags in (("feature-store", TAGS), ("untagged", {}), ("near", NEAR)):
        client.create_db_instance(DBInstanceIdentifier=ident, DBInstanceClass="db.r5.2xlarge", Engine="postgres",
                                  AllocatedStorage=400, StorageType="gp2", MultiAZ=ident == "near",
                                  MasterUsername="admin_user", MasterUserPassword="password123", Tags=_pairs(tags))
    ctx, counter = context(services=("rds",))
    out = rds.db_instances(ctx)
    assert counter.by_operation["rds:DescribeDBInstances"] >= 2
    _check_tags(out.resources, [":db:feature-store", ":db:untagged", ":db:near"], tmp_path)
    db = _find(out.resources, ":db:feature-store")
    assert db.type == "aws_db_instance" and db.address == f"arn:aws:rds:{REGION}:{ACCOUNT}:db:feature-store"
    a = db.attributes
    assert (a["instance_class"], a["engine"], a["allocated_storage"], a["storage_type"], a["multi_az"]) == \
        ("db.r5.2xlarge", "postgres", 400, "gp2", False)
    assert _find(out.resources, ":db:near").attributes["multi_az"] is True
    assert a["live"]["state"] == "available"


# --- S3 ------------------------------------------------------------------------------------------

def _run_with_followups(ctx, outcome):
    resources, skipped = list(outcome.resources), Counter(outcome.skipped)
    for task in outcome.more:
        more = task.run(ctx)
        resources.extend(more.resources)
        skipped.update(more.skipped)
    return resources, skipped


def test_buckets(moto, tmp_path):
    client = boto3.client("s3", region_name=REGION)
    names = ["tagged-bucket-1", "untagged-bucket-2", "near-bucket-3"]
    for name, tags in zip(names, (TAGS, {}, NEAR)):
        client.create_bucket(Bucket=name)
        if tags:
            client.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _pairs(tags)})
    boto3.client("s3", region_name="us-west-2").create_bucket(
        Bucket="west-bucket-4", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    boto3.client("s3", region_name="eu-central-1").create_bucket(
        Bucket="far-bucket-5", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    client.put_bucket_lifecycle_configuration(Bucket=names[0], LifecycleConfiguration={"Rules": [
        {"ID": "archive", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
         "Transitions": [{"Days": 30, "StorageClass": "GLACIER_IR"}], "Expiration": {"Days": 365}},
        {"ID": "old-versions", "Status": "Enabled", "Filter": {}, "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]})
    client.put_bucket_lifecycle_configuration(Bucket=names[1], LifecycleConfiguration={"Rules": [
        {"ID": "off", "Status": "Disabled", "Filter": {}, "Expiration": {"Days": 1}}]})
    ctx, counter = context()
    ctx.settings.regions = (REGION, "us-west-2")
    first = s3.buckets(ctx)
    assert first.resources == [] and len(first.more) == 1  # the bucket details run as follow-up tasks
    resources, skipped = _run_with_followups(ctx, first)
    assert skipped == {"buckets_outside_regions": 1}
    assert counter.by_operation["s3:ListBuckets"] == 1
    _check_tags([r for r in resources if "bucket-4" not in r.address], names, tmp_path)
    tagged = _find(resources, names[0])
    assert tagged.address == f"arn:aws:s3:::{names[0]}" and tagged.type == "aws_s3_bucket" and tagged.region == REGION
    assert tagged.attributes["bucket"] == names[0]
    assert tagged.attributes["lifecycle_rule"] == [{"id": "archive", "enabled": True, "prefix": "logs/",
                                                    "transition": [{"days": 30, "date": None, "storage_class": "GLACIER_IR"}],
                                                    "expiration": [{"days": 365, "date": None,
                                                                    "expired_object_delete_marker": None}]}]
    assert len(tagged.attributes["live"]["lifecycle_rules"]) == 2
    assert _find(resources, names[1]).attributes["lifecycle_rule"] == []  # a disabled rule moves nothing
    assert _find(resources, "west-bucket-4").region == "us-west-2"


def test_list_buckets_follows_the_continuation_token_without_a_page_size(aws_env):
    ctx, _ = context()
    client = ctx.client("s3")
    stub = Stubber(client)
    stub.add_response("list_buckets", {"Buckets": [{"Name": "bucket-a"}], "ContinuationToken": "more"}, {})
    stub.add_response("list_buckets", {"Buckets": [{"Name": "bucket-b"}]}, {"ContinuationToken": "more"})
    for name in ("bucket-a", "bucket-b"):
        stub.add_response("get_bucket_location", {"LocationConstraint": "us-west-2"}, {"Bucket": name})
        stub.add_client_error("get_bucket_tagging", "NoSuchTagSet", http_status_code=404, expected_params={"Bucket": name})
        stub.add_client_error("get_bucket_lifecycle_configuration", "NoSuchLifecycleConfiguration",
                              http_status_code=404, expected_params={"Bucket": name})
    ctx.session._clients[("s3", "us-west-2")] = client  # one stubbed client for every region
    ctx.settings.regions = ()
    with stub:
        resources, _ = _run_with_followups(ctx, s3.buckets(ctx))
    assert [(r.address, r.region) for r in resources] == [("arn:aws:s3:::bucket-a", "us-west-2"),
                                                          ("arn:aws:s3:::bucket-b", "us-west-2")]


# --- Lambda, DynamoDB, EKS, ECS, ElastiCache, EFS, Logs ------------------------------------------------

def test_lambda_functions(moto, tmp_path):
    role = iam_role()
    client = boto3.client("lambda", region_name=REGION)
    for name, tags in (("tagged-fn", TAGS), ("untagged-fn", {}), ("near-fn", NEAR)):
        client.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="handler.handler",
                               Code={"ZipFile": lambda_zip()}, Tags=tags, MemorySize=512)
    ctx, _ = context()
    out = awslambda.functions(ctx)
    _check_tags(out.resources, [":function:tagged-fn", ":function:untagged-fn", ":function:near-fn"], tmp_path)
    fn = _find(out.resources, ":function:tagged-fn")
    assert fn.type == "aws_lambda_function" and fn.attributes["memory_size"] == 512
    assert fn.attributes["runtime"] == "python3.12" and fn.attributes["function_name"] == "tagged-fn"


def test_lambda_functions_follow_pages(aws_env):
    ctx, _ = context()
    client = ctx.client("lambda")
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
    stub = Stubber(client)
    stub.add_response("list_functions", {"Functions": [{"FunctionName": "a", "FunctionArn": arn + "a"}], "NextMarker": "m"},
                      {"MaxItems": 2})
    stub.add_response("list_tags", {"Tags": {"team": "x"}}, {"Resource": arn + "a"})
    stub.add_response("list_functions", {"Functions": [{"FunctionName": "b", "FunctionArn": arn + "b"}]},
                      {"MaxItems": 2, "Marker": "m"})
    stub.add_response("list_tags", {"Tags": {}}, {"Resource": arn + "b"})
    with stub:
        out = awslambda.functions(ctx)
    assert [r.address for r in out.resources] == [arn + "a", arn + "b"]


def test_dynamodb_tables(moto, tmp_path):
    client = boto3.client("dynamodb", region_name=REGION)
    for name, tags in (("tagged-table", TAGS), ("untagged-table", {}), ("near-table", NEAR)):
        kwargs = {"BillingMode": "PAY_PER_REQUEST"} if name != "near-table" else {
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 2}}
        client.create_table(TableName=name, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                            Tags=_pairs(tags) or [], **kwargs)
    ctx, counter = context()
    out = dynamodb.tables(ctx)
    assert counter.by_operation["dynamodb:ListTables"] >= 2
    _check_tags(out.resources, ["table/tagged-table", "table/untagged-table", "table/near-table"], tmp_path)
    table = _find(out.resources, "table/tagged-table")
    assert table.type == "aws_dynamodb_table" and table.attributes["billing_mode"] == "PAY_PER_REQUEST"
    near = _find(out.resources, "table/near-table").attributes
    assert (near["billing_mode"], near["read_capacity"], near["write_capacity"]) == ("PROVISIONED", 5, 2)


def test_eks_clusters_and_node_groups(moto, tmp_path):
    role = iam_role()
    client = boto3.client("eks", region_name=REGION)
    for name, tags in (("tagged", TAGS), ("untagged", {}), ("near", NEAR)):
        client.create_cluster(name=name, roleArn=role, resourcesVpcConfig={"subnetIds": []}, tags=tags)
    for name, tags in (("ng-tagged", TAGS), ("ng-untagged", {}), ("ng-near", NEAR)):
        client.create_nodegroup(clusterName="tagged", nodegroupName=name, nodeRole=role, subnets=["subnet-1"],
                                instanceTypes=["m5.large"], capacityType="SPOT",
                                scalingConfig={"minSize": 1, "maxSize": 3, "desiredSize": 2}, tags=tags)
    ctx, counter = context()
    out = eks.clusters(ctx)
    assert counter.by_operation["eks:ListClusters"] >= 2 and counter.by_operation["eks:ListNodegroups"] >= 2
    clusters = [r for r in out.resources if r.type == "aws_eks_cluster"]
    groups = [r for r in out.resources if r.type == "aws_eks_node_group"]
    _check_tags(clusters, [":cluster/tagged", ":cluster/untagged", ":cluster/near"], tmp_path)
    _check_tags(groups, ["/ng-tagged/", "/ng-untagged/", "/ng-near/"], tmp_path)
    group = _find(groups, "/ng-tagged/").attributes
    assert group["instance_types"] == ["m5.large"] and group["capacity_type"] == "SPOT"
    assert group["scaling_config"] == [{"desired_size": 2, "min_size": 1, "max_size": 3}]


def test_ecs_clusters_and_services(moto, tmp_path):
    client = boto3.client("ecs", region_name=REGION)

    def lower(tags):
        return [{"key": k, "value": v} for k, v in tags.items()]

    for name, tags in (("tagged", TAGS), ("untagged", {}), ("near", NEAR)):
        client.create_cluster(clusterName=name, tags=lower(tags))
    client.register_task_definition(family="api", containerDefinitions=[{"name": "c", "image": "i", "memory": 128}])
    for name, tags in (("svc-tagged", TAGS), ("svc-untagged", {}), ("svc-near", NEAR)):
        client.create_service(cluster="tagged", serviceName=name, taskDefinition="api", desiredCount=3,
                              launchType="FARGATE", tags=lower(tags))
    ctx, _ = context()
    out = ecs.clusters(ctx)
    clusters = [r for r in out.resources if r.type == "aws_ecs_cluster"]
    services = [r for r in out.resources if r.type == "aws_ecs_service"]
    _check_tags(clusters, [":cluster/tagged", ":cluster/untagged", ":cluster/near"], tmp_path)
    _check_tags(services, ["/svc-tagged", "/svc-untagged", "/svc-near"], tmp_path)
    service = _find(services, "/svc-tagged").attributes
    assert service["desired_count"] == 3 and service["launch_type"] == "FARGATE"


def test_ecs_follows_pages(aws_env):
    ctx, _ = context()
    client = ctx.client("ecs")
    arn = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/"
    stub = Stubber(client)
    stub.add_response("list_clusters", {"clusterArns": [arn + "a"], "nextToken": "t"}, {"maxResults": 2})
    stub.add_response("list_clusters", {"clusterArns": [arn + "b"]}, {"maxResults": 2, "nextToken": "t"})
    stub.add_response("describe_clusters", {"clusters": [{"clusterArn": arn + "a", "clusterName": "a"},
                                                         {"clusterArn": arn + "b", "clusterName": "b"}]},
                      {"clusters": [arn + "a", arn + "b"], "include": ["TAGS"]})
    stub.add_response("list_services", {"serviceArns": []}, {"cluster": arn + "a", "maxResults": 2})
    stub.add_response("list_services", {"serviceArns": []}, {"cluster": arn + "b", "maxResults": 2})
    with stub:
        out = ecs.clusters(ctx)
    assert [r.address for r in out.resources] == [arn + "a", arn + "b"]


def test_elasticache_clusters(moto, tmp_path):
    client = boto3.client("elasticache", region_name=REGION)
    for ident, tags in (("cache-tagged", TAGS), ("cache-untagged", {}), ("cache-near", NEAR)):
        client.create_cache_cluster(CacheClusterId=ident, Engine="redis", CacheNodeType="cache.r6g.large",
                                    NumCacheNodes=1, Tags=_pairs(tags) or [])
    ctx, counter = context()
    out = elasticache.clusters(ctx)
    assert counter.by_operation["elasticache:DescribeCacheClusters"] >= 2
    _check_tags(out.resources, ["cluster:cache-tagged", "cluster:cache-untagged", "cluster:cache-near"], tmp_path)
    cache = _find(out.resources, "cluster:cache-tagged")
    assert cache.type == "aws_elasticache_cluster" and cache.attributes["node_type"] == "cache.r6g.large"
    assert cache.attributes["engine"] == "redis" and cache.attributes["num_cache_nodes"] == 1


def test_efs_file_systems(moto, tmp_path):
    client = boto3.client("efs", region_name=REGION)
    ids = [client.create_file_system(CreationToken=token, PerformanceMode="generalPurpose",
                                     Tags=_pairs(tags) or [])["FileSystemId"]
           for token, tags in (("tagged", TAGS), ("untagged", {}), ("near", NEAR))]
    ctx, counter = context()
    out = efs.file_systems(ctx)
    assert counter.by_operation["efs:DescribeFileSystems"] >= 2
    _check_tags(out.resources, ids, tmp_path)
    fs = _find(out.resources, ids[0])
    assert fs.type == "aws_efs_file_system" and fs.attributes["creation_token"] == "tagged"
    assert fs.attributes["performance_mode"] == "generalPurpose"


def test_log_groups(moto, tmp_path):
    client = boto3.client("logs", region_name=REGION)
    for name, tags in (("/app/tagged", TAGS), ("/app/untagged", {}), ("/app/near", NEAR)):
        client.create_log_group(logGroupName=name, **({"tags": tags} if tags else {}))
    client.put_retention_policy(logGroupName="/app/tagged", retentionInDays=30)
    ctx, counter = context()
    out = logs.log_groups(ctx)
    assert counter.by_operation["logs:DescribeLogGroups"] >= 2
    _check_tags(out.resources, ["/app/tagged", "/app/untagged", "/app/near"], tmp_path)
    tagged = _find(out.resources, "/app/tagged")
    assert tagged.address == f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/app/tagged"  # no ":*"
    assert tagged.type == "aws_cloudwatch_log_group" and tagged.attributes["retention_in_days"] == 30
    assert _find(out.resources, "/app/untagged").attributes["retention_in_days"] is None


@pytest.mark.parametrize("module", [ec2, elbv2, autoscaling, rds, s3, awslambda, dynamodb, eks, ecs, elasticache, efs, logs])
def test_every_collector_module_documents_itself(module):
    assert module.__doc__ and module.COLLECTORS and all(callable(c) for c in module.COLLECTORS.values())
