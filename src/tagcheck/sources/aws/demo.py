"""``tagcheck aws --demo``: the example ML platform as deployed, in moto, in-process.

It starts moto's server on a free 127.0.0.1 port, points boto3 at it through the
environment (``AWS_ENDPOINT_URL``, dummy credentials, no profile, no config files, no
proxy for 127.0.0.1) for the duration of the run only, and builds through the AWS
APIs what ``examples/terraform`` would create — tagged as the AWS provider would tag
it, mistakes included — plus drift that only the account shows: an untagged scratch
bucket, an unattached volume, an idle Elastic IP, a load balancer with no targets, a
400-day-old snapshot, a log group without retention, and an oversized dev notebook
whose CloudWatch history (back-dated ``PutMetricData``) shows a CPU that never
passes 14 %, and whose ``schedule`` tag is not honoured. It needs no credentials and
no network.

Launch and snapshot times cannot be set through the API, so the demo back-dates
them on moto's in-process model objects; that reach into moto is confined to this
module, which is never imported outside ``--demo``.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator, Sequence

import boto3

ACCOUNT = "123456789012"  # moto's default account
REGION, DR_REGION = "us-east-1", "us-west-2"
REGIONS = (REGION, DR_REGION)
AMI = "ami-0a1b2c3d4e5f60718"

# The same text as examples/terraform/.tagcheck.yaml (a test keeps them equal), so the
# demo works from an installed package, where examples/ is not shipped.
POLICY_TEXT = """\
# Tag policy of the ML platform. `tagcheck scan examples/terraform` finds this file.
version: 1
extends: [finops-baseline]

tags:
  required: [team, feature, component, environment, cost-center]
  allowed:
    environment: [dev, test, staging, prod]
    cost-center: {pattern: '^cc-[0-9]{4}$'}
  key_case: lower

environments:
  tag: environment
  non_production: [dev, test, sandbox]

governance:
  regions: [us-east-1, us-west-2, eu-west-1]
  non_production:
    max_instance_size: xlarge
    schedule_tag: schedule
"""

COMMON = {"environment": "prod", "team": "ml-platform", "project": "ml-platform", "managed-by": "terraform",
          "repository": "github.com/acme-ml/ml-platform"}
DEV = {**COMMON, "environment": "dev"}

# last month's spend by tag value, for --cost-explorer (moto returns nothing unless seeded)
CE_SPEND = {
    "team": {"ml-platform": 5213.40, "": 618.25},
    "environment": {"prod": 1890.10, "dev": 3341.30, "": 600.25},
    "cost-center": {"cc-1001": 1010.55, "cc-2040": 1522.80, "": 3298.30},
    "feature": {"inference": 1522.80, "model-training": 2233.80, "feature-store": 730.00, "datasets": 45.10, "": 1299.95},
    "component": {"gpu-trainer": 2233.80, "inference-api": 1401.60, "database": 730.00, "": 1466.25},
}

_ENV_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE",
             "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE",
             "AWS_SHARED_CREDENTIALS_FILE", "MOTO_EC2_LOAD_DEFAULT_AMIS", "NO_PROXY", "no_proxy",
             "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")


def policy_path() -> Path:
    """examples/terraform/.tagcheck.yaml in a source checkout; else a copy of it."""
    checkout = Path(__file__).resolve().parents[4] / "examples" / "terraform" / ".tagcheck.yaml"
    if checkout.is_file():
        return checkout
    target = Path(tempfile.gettempdir()) / "tagcheck-demo-policy.yaml"
    target.write_text(POLICY_TEXT, encoding="utf-8")
    return target


@contextlib.contextmanager
def _environment() -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in _ENV_KEYS}
    saved.update({k: v for k, v in os.environ.items() if k.startswith("AWS_ENDPOINT_URL_")})
    try:
        for key in list(saved):
            os.environ.pop(key, None)
        no_proxy = ",".join(p for p in (saved.get("NO_PROXY"), "127.0.0.1", "localhost") if p)
        os.environ.update(AWS_ACCESS_KEY_ID="demo", AWS_SECRET_ACCESS_KEY="demo", AWS_DEFAULT_REGION=REGION,
                          AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                          MOTO_EC2_LOAD_DEFAULT_AMIS="false", NO_PROXY=no_proxy, no_proxy=no_proxy)
        yield
    finally:
        for key in set(saved) | set(_ENV_KEYS):
            os.environ.pop(key, None)
        os.environ.update({k: v for k, v in saved.items() if v is not None})


@contextlib.contextmanager
def demo_account(cost_keys: Sequence[str] = ()) -> Iterator[str]:
    """Run moto, build the demo account, yield the endpoint; everything is undone after."""
    with _environment():  # MOTO_EC2_LOAD_DEFAULT_AMIS must be set before moto's EC2 backend exists
        from moto.moto_api._internal.models import moto_api_backend
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        try:
            moto_api_backend.reset()
            build(endpoint)
            for key in cost_keys:
                moto_api_backend.set_ce_cost_usage(_ce_result(key), ACCOUNT)
            yield endpoint
        finally:
            moto_api_backend.reset()
            server.stop()


def _ce_result(key: str) -> dict[str, Any]:
    today = datetime.date.today().replace(day=1)
    start = (today - datetime.timedelta(days=1)).replace(day=1)
    spend = CE_SPEND.get(key, {"": sum(CE_SPEND["team"].values())})
    return {"ResultsByTime": [{
        "TimePeriod": {"Start": start.isoformat(), "End": today.isoformat()}, "Total": {}, "Estimated": False,
        "Groups": [{"Keys": [f"{key}${value}"], "Metrics": {"UnblendedCost": {"Amount": f"{usd:.2f}", "Unit": "USD"}}}
                   for value, usd in spend.items()]}], "DimensionValueAttributes": []}


def _tags(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _spec(kind: str, tags: dict[str, str]) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": _tags(tags)}]


class _Builder:
    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.now = datetime.datetime.now(datetime.timezone.utc)

    def client(self, service: str, region: str = REGION) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint)

    def network(self) -> dict[str, Any]:
        ec2 = self.client("ec2")
        tags = {**COMMON, "feature": "platform-network", "cost-center": "cc-1001"}
        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=_spec(
            "vpc", {**tags, "Name": "ml-platform-prod", "component": "vpc"}))["Vpc"]["VpcId"]
        public = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"{REGION}{az}",
                                    TagSpecifications=_spec("subnet", {**tags, "component": "subnet"}))["Subnet"]["SubnetId"]
                  for i, az in ((0, "a"), (1, "b"))]
        private = {key: ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{10 + i}.0/24", AvailabilityZone=f"{REGION}{key}",
                                          TagSpecifications=_spec("subnet", {**tags, "component": "subnet"}))["Subnet"]["SubnetId"]
                   for i, key in enumerate("abc")}
        nat_tags = {**tags, "Name": "ml-platform-prod-nat", "component": "nat-gateway"}
        allocation = ec2.allocate_address(Domain="vpc", TagSpecifications=_spec("elastic-ip", nat_tags))["AllocationId"]
        ec2.create_nat_gateway(SubnetId=public[0], AllocationId=allocation, TagSpecifications=_spec(
            "natgateway", {**nat_tags, "cost-center": "CC-0100"}))  # MISTAKE (TAG002) as in the example
        return {"vpc": vpc, "public": public, "private": private}

    def inference(self, net: dict[str, Any]) -> None:
        tags = {**COMMON, "feature": "inference", "cost-center": "cc-2040"}
        elb, ec2 = self.client("elbv2"), self.client("ec2")
        lb = elb.create_load_balancer(Name="ml-platform-prod-api", Subnets=net["public"], Type="application",
                                      Tags=_tags({**tags, "component": "load-balancer"}))["LoadBalancers"][0]
        group = elb.create_target_group(Name="ml-platform-prod-api", Protocol="HTTP", Port=8080, VpcId=net["vpc"],
                                        TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80,
                            DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
        template = ec2.create_launch_template(
            LaunchTemplateName="ml-platform-prod-api-20251103", LaunchTemplateData={"ImageId": AMI, "InstanceType": "g4dn.xlarge"},
            TagSpecifications=_spec("launch-template", {**tags, "component": "inference-api"}))["LaunchTemplate"]
        self.client("autoscaling").create_auto_scaling_group(
            AutoScalingGroupName="ml-platform-prod-api", MinSize=2, MaxSize=6, DesiredCapacity=2,
            LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Latest"},
            VPCZoneIdentifier=f"{net['private']['a']},{net['private']['b']}", TargetGroupARNs=[group],
            # MISTAKE (TAG001): tag blocks without team and environment; default_tags never reach an ASG
            Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in
                  {"Name": "ml-platform-prod-api", "feature": "inference", "component": "inference-api",
                   "cost-center": "cc-2040"}.items()])
        logs = self.client("logs")
        logs.create_log_group(logGroupName="/ml-platform/inference-api", tags={
            **COMMON, "feature": "inference", "component": "api-logs", "cost_center": "cc-2040"})  # MISTAKE (TAG003)
        logs.put_retention_policy(logGroupName="/ml-platform/inference-api", retentionInDays=30)

    def sandbox(self, net: dict[str, Any]) -> dict[str, str]:
        ec2 = self.client("ec2")
        trainer = ec2.run_instances(
            ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="p3.2xlarge", SubnetId=net["private"]["c"],
            BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 500, "VolumeType": "gp2"}}],
            # MISTAKE (TAG001, COST202/203): no cost-center, no schedule, on-demand; the root volume is untagged
            TagSpecifications=_spec("instance", {**DEV, "feature": "model-training", "Name": "ml-platform-dev-trainer",
                                                 "component": "gpu-trainer"}))["Instances"][0]["InstanceId"]
        self.client("rds").create_db_instance(
            DBInstanceIdentifier="ml-platform-dev-feature-store", DBInstanceClass="db.r5.2xlarge", Engine="postgres",
            EngineVersion="16", AllocatedStorage=400, StorageType="gp2", MasterUsername="features_admin",
            MasterUserPassword="not-a-real-password", MultiAZ=False, StorageEncrypted=True,
            Tags=_tags({**DEV, "feature": "feature-store", "cost-center": "cc-1001",
                        "Name": "ml-platform-dev-feature-store", "component": "database"}))
        notebook_tags = {**DEV, "feature": "experimentation", "component": "notebook", "cost-center": "cc-3100",
                         "schedule": "office-hours", "Name": "ml-platform-dev-notebook"}
        notebook = ec2.run_instances(  # DRIFT (COST210, COST211): launched by hand, oversized, never stopped
            ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.xlarge", SubnetId=net["private"]["c"],
            TagSpecifications=_spec("instance", notebook_tags) + _spec("volume", notebook_tags))["Instances"][0]["InstanceId"]
        return {"trainer": trainer, "notebook": notebook}

    def data(self) -> None:
        s3 = self.client("s3")
        datasets = f"ml-platform-prod-datasets-{ACCOUNT}"
        data_tags = {**COMMON, "feature": "datasets", "cost-center": "cc-1001"}
        s3.create_bucket(Bucket=datasets)
        s3.put_bucket_tagging(Bucket=datasets, Tagging={"TagSet": _tags(
            {**data_tags, "component": "datasets", "data-classification": "internal"})})
        s3.put_bucket_lifecycle_configuration(Bucket=datasets, LifecycleConfiguration={"Rules": [
            {"ID": "raw-to-infrequent-access", "Status": "Enabled", "Filter": {"Prefix": "raw/"},
             "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]},
            {"ID": "expire-old-versions", "Status": "Enabled", "Filter": {},
             "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}]})
        logs_bucket = f"ml-platform-prod-logs-{ACCOUNT}"  # MISTAKE (COST205): no lifecycle
        s3.create_bucket(Bucket=logs_bucket)
        s3.put_bucket_tagging(Bucket=logs_bucket, Tagging={"TagSet": _tags({**data_tags, "component": "logs"})})
        backup = f"ml-platform-prod-datasets-backup-{ACCOUNT}"  # MISTAKE (TAG001): aws.dr has no default_tags
        self.client("s3", DR_REGION).create_bucket(Bucket=backup, CreateBucketConfiguration={"LocationConstraint": DR_REGION})
        s3.put_bucket_tagging(Bucket=backup, Tagging={"TagSet": _tags({
            "Name": "ml-platform-prod-datasets-backup", "component": "datasets-backup", "feature": "datasets",
            "cost-center": "cc-1001"})})
        s3.create_bucket(Bucket=f"ml-platform-scratch-{ACCOUNT}")  # DRIFT (TAG001): made by hand, never tagged

    def drift(self, net: dict[str, Any]) -> dict[str, str]:
        ec2 = self.client("ec2")
        cache_tags = {"Name": "trainer-dataset-cache", "team": "ml-platform"}
        volume = ec2.create_volume(AvailabilityZone=f"{REGION}c", Size=200, VolumeType="gp2",  # DRIFT (COST212)
                                   TagSpecifications=_spec("volume", cache_tags))["VolumeId"]
        snapshot = ec2.create_snapshot(VolumeId=volume, Description="dataset cache before the 2025 re-index",
                                       TagSpecifications=_spec("snapshot", {"Name": "dataset-cache-2025"}))["SnapshotId"]
        ec2.allocate_address(Domain="vpc", TagSpecifications=_spec(  # DRIFT (COST213): never associated
            "elastic-ip", {"Name": "bastion-old", "team": "ml-platform"}))
        elb = self.client("elbv2")  # DRIFT (COST214): a canary load balancer nobody registered targets with
        canary = elb.create_load_balancer(Name="ml-platform-canary", Subnets=net["public"], Type="application", Tags=_tags(
            {**COMMON, "environment": "staging", "feature": "inference", "component": "load-balancer",
             "cost-center": "cc-2040"}))["LoadBalancers"][0]["LoadBalancerArn"]
        canary_group = elb.create_target_group(Name="ml-platform-canary", Protocol="HTTP", Port=8080, VpcId=net["vpc"],
                                               TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
        elb.create_listener(LoadBalancerArn=canary, Protocol="HTTP", Port=80,
                            DefaultActions=[{"Type": "forward", "TargetGroupArn": canary_group}])
        logs = self.client("logs")  # DRIFT (COST206): created by the training job, kept forever
        logs.create_log_group(logGroupName="/ml-platform-dev/trainer", tags={
            **DEV, "feature": "model-training", "component": "training-logs", "cost-center": "cc-3100"})
        return {"snapshot": snapshot}

    def cpu_history(self, namespace: str, dimension: str, ident: str, daily_peaks: Sequence[float]) -> None:
        """Back-dated datapoints: one quiet and one peak value per day, oldest first."""
        cloudwatch = self.client("cloudwatch")
        days = len(daily_peaks)
        data = []
        for age, peak in zip(range(days, 0, -1), daily_peaks):
            day = self.now - datetime.timedelta(days=age)
            for hours, value in ((3, round(peak / 3, 1)), (14, peak)):
                data.append({"MetricName": "CPUUtilization", "Dimensions": [{"Name": dimension, "Value": ident}],
                             "Timestamp": day.replace(hour=hours, minute=0, second=0, microsecond=0),
                             "Value": value, "Unit": "Percent"})
        for start in range(0, len(data), 20):
            cloudwatch.put_metric_data(Namespace=namespace, MetricData=data[start:start + 20])


def _backdate(instances: dict[str, datetime.datetime], snapshots: dict[str, datetime.datetime]) -> None:
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[ACCOUNT][REGION]
    for ident, when in instances.items():
        backend.get_instance(ident).launch_time = when
    for ident, when in snapshots.items():
        backend.snapshots[ident].start_time = when


def build(endpoint: str) -> None:
    """Create the demo account in the moto server at ``endpoint``."""
    builder = _Builder(endpoint)
    net = builder.network()
    builder.inference(net)
    ids = builder.sandbox(net)
    builder.data()
    ids.update(builder.drift(net))
    peaks = [9.5, 7.0, 12.5, 6.0, 8.5, 13.5, 11.0, 6.5, 7.5, 10.0, 9.0, 12.0, 8.0, 7.5]
    builder.cpu_history("AWS/EC2", "InstanceId", ids["notebook"], peaks)
    builder.cpu_history("AWS/EC2", "InstanceId", ids["trainer"], [96.0, 98.5, 91.0, 97.0, 99.0, 95.5, 92.0,
                                                                   97.5, 98.0, 94.0, 96.5, 93.0, 99.5, 95.0])
    builder.cpu_history("AWS/RDS", "DBInstanceIdentifier", "ml-platform-dev-feature-store",
                        [38.0, 41.5, 35.0, 44.0, 52.5, 39.0, 36.5, 47.0, 40.0, 43.5, 37.0, 45.5, 49.0, 42.0])
    now = builder.now
    _backdate({ids["notebook"]: now - datetime.timedelta(days=21), ids["trainer"]: now - datetime.timedelta(days=45)},
              {ids["snapshot"]: now - datetime.timedelta(days=400)})
