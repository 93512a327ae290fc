"""COST210–COST215 on live evidence: CloudWatch history seeded in moto, idle resources, ages.

Dollar figures are from the catalogue (us-east-1, 730 h a month):
m5.xlarge $0.192/h, m5.large $0.096/h → (0.192 − 0.096) × 730 = $70.08;
db.r5.2xlarge $1.00/h, db.r5.xlarge $0.50/h → $365.00; gp2 $0.10/GB-month;
public IPv4 $0.005/h → $3.65; ALB $0.0225/h → $16.43 (16.425 rounded); snapshots $0.05/GB-month.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import boto3
import pytest
from aws_helpers import REGION, audit, by_address, example_policy, run_rules

from tagcheck.model import Location, Origin
from tagcheck.policy import PolicyError, load_policy
from tagcheck.rules import rule_schemas

AMI = "ami-12345678"
DEV = {"team": "ml-platform", "environment": "dev", "feature": "f", "component": "c", "cost-center": "cc-1001"}
NOW = datetime.datetime.now(datetime.timezone.utc)
TODAY = NOW.date()


def _tags(tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _instance(itype, tags=DEV):
    client = boto3.client("ec2", region_name=REGION)
    return client.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, InstanceType=itype,
                                TagSpecifications=[{"ResourceType": "instance", "Tags": _tags(tags)}])["Instances"][0]["InstanceId"]


def _history(namespace, dimension, ident, peaks):
    """One peak and one quiet datapoint per day, the last ``len(peaks)`` days, oldest first."""
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    for age, peak in zip(range(len(peaks), 0, -1), peaks):
        day = (NOW - datetime.timedelta(days=age)).replace(minute=0, second=0, microsecond=0)
        cloudwatch.put_metric_data(Namespace=namespace, MetricData=[
            {"MetricName": "CPUUtilization", "Dimensions": [{"Name": dimension, "Value": ident}],
             "Timestamp": day.replace(hour=h), "Value": v, "Unit": "Percent"} for h, v in ((2, peak / 4), (15, peak))])


def _findings(result, rule):
    return {f.resource.address: f for f in result.findings if f.rule == rule}


def _policy(tmp_path, rules_yaml):
    path = tmp_path / "policy.yaml"
    path.write_text(f"version: 1\nextends: [{(example_policy().source)}]\nrules:\n{rules_yaml}", encoding="utf-8")
    return load_policy(path, rule_schemas=rule_schemas())


LOW = [9.5, 7.0, 12.5, 6.0, 8.5, 13.5, 11.0, 6.5, 7.5, 10.0, 9.0, 12.0, 8.0, 7.5]


def test_low_cpu_history_right_sizes_an_instance_and_a_db(moto):
    quiet, busy, short, gpu = _instance("m5.xlarge"), _instance("m5.xlarge"), _instance("m5.xlarge"), _instance("g4dn.xlarge")
    boto3.client("rds", region_name=REGION).create_db_instance(
        DBInstanceIdentifier="features", DBInstanceClass="db.r5.2xlarge", Engine="postgres", AllocatedStorage=100,
        MasterUsername="admin_user", MasterUserPassword="password123", Tags=_tags(DEV))
    _history("AWS/EC2", "InstanceId", quiet, LOW)
    _history("AWS/EC2", "InstanceId", busy, LOW[:-1] + [63.0])
    _history("AWS/EC2", "InstanceId", short, LOW[:3])
    _history("AWS/EC2", "InstanceId", gpu, LOW)
    _history("AWS/RDS", "DBInstanceIdentifier", "features", [15.0] * 14)
    result = audit(services=("ec2", "rds", "cloudwatch"))
    resources = by_address(result.resources)
    quiet_arn = next(a for a in resources if a.endswith(quiet))
    assert resources[quiet_arn].attributes["live"]["cpu_daily_max_pct"] == LOW
    assert resources[quiet_arn].attributes["live"]["cpu_window_days"] == 14
    hits = _findings(run_rules(result.resources), "COST210")
    assert {a.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for a in hits} == {quiet, "features"}
    instance = hits[quiet_arn]
    assert instance.monthly_saving_usd == pytest.approx(70.08, abs=0.005)
    assert instance.monthly_cost_usd == pytest.approx(140.16, abs=0.005)
    assert instance.details["suggested"] == "m5.large" and instance.details["peak_pct"] == 13.5
    assert instance.lever.value == "rightsizing" and instance.severity.value == "warning"
    assert 'instance_type = "m5.large"' in instance.fix and "modify-instance-attribute" in instance.fix
    db = next(f for a, f in hits.items() if a.endswith(":db:features"))
    assert db.details["suggested"] == "db.r5.xlarge" and db.monthly_saving_usd == pytest.approx(365.0, abs=0.005)


def test_cpu_threshold_and_window_are_policy_options(moto, tmp_path):
    ident = _instance("m5.xlarge")
    _history("AWS/EC2", "InstanceId", ident, LOW)
    result = audit(services=("ec2", "cloudwatch"))
    assert not _findings(run_rules(result.resources, _policy(tmp_path, "  COST210: {threshold_pct: 10}\n")),
                         "COST210")
    # only the last 3 days (peaks 12.0, 8.0, 7.5), at least 3 of them: still under 20 %
    hits = _findings(run_rules(result.resources, _policy(tmp_path, "  COST210: {days: 3, min_days: 3}\n")),
                     "COST210")
    assert [f.details["days"] for f in hits.values()] == [3] and list(hits.values())[0].details["peak_pct"] == 12.0


def test_no_metrics_without_cloudwatch_in_services(moto):
    ident = _instance("m5.xlarge")
    _history("AWS/EC2", "InstanceId", ident, LOW)
    result = audit(services=("ec2",))
    instance = next(r for r in result.resources if r.type == "aws_instance")
    assert "cpu_daily_max_pct" not in instance.attributes["live"]
    assert not any(c["service"] == "cloudwatch" for c in result.coverage)


def test_schedule_tag_without_a_stop(moto):
    tagged = _instance("m5.xlarge", {**DEV, "schedule": "office-hours"})
    untagged = _instance("m5.xlarge")
    prod = _instance("m5.xlarge", {**DEV, "environment": "prod", "schedule": "office-hours"})
    resources = audit(services=("ec2",)).resources
    later = TODAY + datetime.timedelta(days=21)  # the instances have been up for 21 days by then
    hits = _findings(run_rules(resources, today=later), "COST211")
    assert [a.rsplit("/", 1)[1] for a in hits] == [tagged]
    finding = next(iter(hits.values()))
    # $140.16 compute × (1 − 50/168) = $98.45
    assert finding.monthly_saving_usd == pytest.approx(98.45, abs=0.005)
    assert finding.details["uptime_days"] == 21 and finding.lever.value == "scheduling"
    assert not _findings(run_rules(resources, today=TODAY + datetime.timedelta(days=3)), "COST211")
    # without the schedule tag it is COST202's finding, not COST211's: one saving, counted once
    cost202 = _findings(run_rules(resources, today=later), "COST202")
    assert any(a.endswith(untagged) for a in cost202) and not any(a.endswith(tagged) or a.endswith(prod) for a in cost202)


def test_the_schedulers_own_tags_are_checked_against_the_uptime_too(moto):
    """COST202 takes Instance Scheduler's ``Schedule`` and Custodian's ``maid_offhours`` as a
    schedule; a live instance carrying one that never stops is COST211's, not silent."""
    scheduler = _instance("m5.xlarge", {**DEV, "Schedule": "office-hours"})
    custodian = _instance("m5.xlarge", {**DEV, "maid_offhours": "off=(M-F,19);on=(M-F,7)"})
    opted_out = _instance("m5.xlarge", {**DEV, "maid_offhours": "off"})
    resources = audit(services=("ec2",)).resources
    later = TODAY + datetime.timedelta(days=21)
    hits = _findings(run_rules(resources, today=later), "COST211")
    assert sorted(a.rsplit("/", 1)[1] for a in hits) == sorted([scheduler, custodian])
    assert {f.key for f in hits.values()} == {"Schedule", "maid_offhours"}
    cost202 = _findings(run_rules(resources, today=later), "COST202")
    assert [a.rsplit("/", 1)[1] for a in cost202] == [opted_out]  # "off" opts out: no schedule


def test_unattached_volume_unassociated_eip_and_lb_without_targets(moto):
    ec2 = boto3.client("ec2", region_name=REGION)
    loose = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=200, VolumeType="gp2")["VolumeId"]
    used = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=50, VolumeType="gp2")["VolumeId"]
    instance = _instance("t3.micro")
    ec2.attach_volume(VolumeId=used, InstanceId=instance, Device="/dev/sdf")
    idle_ip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=ec2.allocate_address(Domain="vpc")["AllocationId"], InstanceId=instance)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"]["SubnetId"]
               for i, z in ((1, "a"), (2, "b"))]
    elb = boto3.client("elbv2", region_name=REGION)
    empty = elb.create_load_balancer(Name="empty", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    serving = elb.create_load_balancer(Name="serving", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
    group = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
    elb.create_listener(LoadBalancerArn=serving, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
    elb.register_targets(TargetGroupArn=group, Targets=[{"Id": instance}])
    result = run_rules(audit(services=("ec2", "elbv2")).resources)
    volumes = _findings(result, "COST212")
    assert [a.rsplit("/", 1)[1] for a in volumes] == [loose]
    assert next(iter(volumes.values())).monthly_saving_usd == pytest.approx(20.0)
    eips = _findings(result, "COST213")
    assert [a.rsplit("/", 1)[1] for a in eips] == [idle_ip]
    assert next(iter(eips.values())).monthly_saving_usd == pytest.approx(3.65)
    assert f"release-address --allocation-id {idle_ip}" in next(iter(eips.values())).fix
    lbs = _findings(result, "COST214")
    assert list(lbs) == [empty] and lbs[empty].monthly_saving_usd == pytest.approx(16.43, abs=0.005)
    assert all(f.lever.value == "idle" for f in (*volumes.values(), *eips.values(), *lbs.values()))


def test_old_snapshots(moto, tmp_path):
    ec2 = boto3.client("ec2", region_name=REGION)
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=500)["VolumeId"]
    plain = ec2.create_snapshot(VolumeId=volume, Description="weekly")["SnapshotId"]
    ami = ec2.create_snapshot(VolumeId=volume, Description="Created by CreateImage(i-1) for ami-0abc1234def567890")["SnapshotId"]
    resources = audit(services=("ec2",)).resources
    assert not _findings(run_rules(resources, today=TODAY + datetime.timedelta(days=90)), "COST215")
    hits = _findings(run_rules(resources, today=TODAY + datetime.timedelta(days=91)), "COST215")
    assert sorted(a.rsplit("/", 1)[1] for a in hits) == sorted([plain, ami])
    for finding in hits.values():  # 500 GiB × $0.05 = $25.00 at most
        assert finding.monthly_cost_usd == pytest.approx(25.0) and finding.monthly_saving_usd == pytest.approx(25.0)
        assert finding.severity.value == "info" and finding.details["age_days"] == 91
    with_ami = next(f for a, f in hits.items() if a.endswith(ami))
    assert "ami-0abc1234def567890" in with_ami.message and "deregister-image" in with_ami.fix
    longer = _policy(tmp_path, "  COST215: {days: 365}\n")
    assert not _findings(run_rules(resources, longer, today=TODAY + datetime.timedelta(days=200)), "COST215")


def test_live_rules_ignore_terraform_resources(moto):
    ident = _instance("m5.xlarge", {**DEV, "schedule": "office-hours"})
    _history("AWS/EC2", "InstanceId", ident, LOW)
    live = next(r for r in audit(services=("ec2", "cloudwatch")).resources if r.type == "aws_instance")
    as_code = replace(live, origin=Origin.HCL, address="aws_instance.notebook", location=Location("main.tf", 1, 9))
    later = TODAY + datetime.timedelta(days=30)
    rules = {f.rule for f in run_rules([as_code], today=later).findings}
    assert not rules & {"COST210", "COST211", "COST212", "COST213", "COST214", "COST215"}
    assert {"COST210", "COST211"} <= {f.rule for f in run_rules([live], today=later).findings}


@pytest.mark.parametrize("rule", ["COST210", "COST211", "COST212", "COST213", "COST214", "COST215"])
def test_options_are_validated(tmp_path, rule):
    path = tmp_path / "policy.yaml"
    path.write_text(f"version: 1\nrules:\n  {rule}: {{no_such_option: 1}}\n", encoding="utf-8")
    with pytest.raises(PolicyError):
        load_policy(path, rule_schemas=rule_schemas())
