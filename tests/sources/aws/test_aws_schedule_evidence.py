"""COST202 in the live audit: the schedulers' tags and scale-to-zero scheduled actions read
from the account are evidence, as they are in code (tagcheck.rules.schedules).

Figures from the catalogue (us-east-1, 730 h a month): m5.xlarge $0.192/h → $140.16/mo,
saving × (1 − 50/168) = $98.45; an ASG of 2 × m5.large $0.096/h → $140.16/mo, likewise.
"""

from __future__ import annotations

import boto3
import pytest
from aws_helpers import REGION, audit, run_rules

AMI = "ami-12345678"
DEV = {"team": "ml-platform", "environment": "dev", "feature": "f", "component": "c", "cost-center": "cc-1001"}


def _instance(tags):
    return boto3.client("ec2", region_name=REGION).run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, InstanceType="m5.xlarge",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}],
    )["Instances"][0]["InstanceId"]


def _cost202(resources):
    return {f.resource.address.rsplit("/", 1)[1]: f for f in run_rules(resources).findings if f.rule == "COST202"}


def test_scheduler_tags_on_live_instances(moto):
    instance_scheduler = _instance({**DEV, "Schedule": "office-hours"})
    custodian = _instance({**DEV, "Maid_Offhours": "off=(M-F,19);on=(M-F,7)"})
    opted_out = _instance({**DEV, "maid_offhours": "off"})
    bare = _instance(DEV)
    hits = _cost202(audit(services=("ec2",)).resources)
    assert sorted(hits) == sorted([opted_out, bare])
    assert instance_scheduler not in hits and custodian not in hits
    assert hits[bare].monthly_saving_usd == pytest.approx(98.45, abs=0.005)  # $140.16 × 118/168


def test_live_asg_scale_to_zero_action_is_evidence_and_scale_to_one_is_not(moto):
    ec2, asg = boto3.client("ec2", region_name=REGION), boto3.client("autoscaling", region_name=REGION)
    template = ec2.create_launch_template(LaunchTemplateName="app", LaunchTemplateData={
        "ImageId": AMI, "InstanceType": "m5.large"})["LaunchTemplate"]["LaunchTemplateId"]
    for name, night in (("to-zero", 0), ("to-one", 1)):
        asg.create_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=0, MaxSize=4, DesiredCapacity=2, AvailabilityZones=[f"{REGION}a"],
            LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
            Tags=[{"Key": k, "Value": v, "PropagateAtLaunch": True} for k, v in DEV.items()])
        # a name per group: moto keeps one action per name, whatever the group
        asg.put_scheduled_update_group_action(AutoScalingGroupName=name, ScheduledActionName=f"{name}-night",
                                              Recurrence="0 20 * * 1-5", DesiredCapacity=night)
    hits = _cost202(audit(services=("autoscaling",)).resources)
    assert list(hits) == ["to-one"]
    assert hits["to-one"].monthly_cost_usd == pytest.approx(140.16)  # 2 × $0.096/h × 730 h
    assert hits["to-one"].monthly_saving_usd == pytest.approx(98.45, abs=0.005)  # × 118/168
