"""Schedule evidence (tagcheck.rules.schedules): COST202 is silent *because* of a schedule.

The golden cases (cases/COST202.yaml) show silence; these tests show its reason: every
case named "… passes" has evidence on each non-production compute resource it declares,
and each kind of evidence says what it is. Plans and live resources, whose ids and
scheduled actions Terraform code does not show, are built by hand.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import yaml
from test_rule_cases import CASES, SHARED_POLICY, TODAY, _policy_file, write_case

from tagcheck.model import Location, Origin, Resource, TagSet, TagSource, TagValue, Unknown
from tagcheck.policy import load_policy
from tagcheck.rules import rule_schemas
from tagcheck.rules.cost import _SCHEDULABLE
from tagcheck.rules.registry import RuleContext
from tagcheck.rules.schedules import schedule_evidence
from tagcheck.sources.terraform.source import scan

STOP_EC2 = "arn:aws:scheduler:::aws-sdk:ec2:stopInstances"
STOP_RDS = "arn:aws:scheduler:::aws-sdk:rds:stopDBInstance"


def _passing_cases():
    spec = yaml.safe_load((CASES / "COST202.yaml").read_text(encoding="utf-8"))
    cases = [c for c in spec["cases"] if c["name"].endswith(" passes")]
    assert len(cases) >= 15  # the four older schedule cases and the ones this module adds
    return [pytest.param(c, id=c["name"]) for c in cases]


@pytest.mark.parametrize("case", _passing_cases())
def test_a_passing_case_is_silent_because_of_a_schedule(tmp_path: Path, case: dict) -> None:
    assert not case["expect"]
    write_case(tmp_path, case["tf"], case.get("files"))
    policy = load_policy(_policy_file(tmp_path, case.get("policy")), rule_schemas=rule_schemas())
    resources = scan([tmp_path], cwd=tmp_path).resources
    ctx = RuleContext(policy=policy, today=TODAY, resources=tuple(resources))
    compute = [r for r in resources if r.type in _SCHEDULABLE and ctx.is_non_production(r)]
    assert compute, "the case declares non-production compute"
    for resource in compute:
        assert schedule_evidence(resource, ctx), resource.address


# --- each kind of evidence, and its reason ----------------------------------------------------

def _ctx(*resources: Resource, policy_text: str | None = None, tmp_path: Path | None = None) -> RuleContext:
    if policy_text is None:
        policy = load_policy(SHARED_POLICY, rule_schemas=rule_schemas())  # schedule_tag: schedule
    else:
        path = tmp_path / "policy.yaml"
        path.write_text(policy_text, encoding="utf-8")
        policy = load_policy(path, rule_schemas=rule_schemas())
    return RuleContext(policy=policy, today=datetime.date(2026, 11, 26), resources=resources)


def _resource(address: str, rtype: str = "aws_instance", tags: dict[str, str | None] | None = None,
              origin: Origin = Origin.HCL, root: str = ".", **attributes) -> Resource:
    values = {k: TagValue(v) if v is not None else TagValue(None, TagSource.RESOURCE, "var.x")
              for k, v in {"environment": "dev", **(tags or {})}.items()}
    return Resource(address=address, type=rtype, origin=origin, location=Location("main.tf", 1, 5),
                    tags=TagSet(values), attributes=attributes, root=root if origin == Origin.HCL else "")


def _stop_schedule(address: str, input_value, arn: str = STOP_EC2, origin: Origin = Origin.HCL, root: str = ".",
                   **attributes) -> Resource:
    attributes = {"schedule_expression": "cron(0 19 ? * MON-FRI *)", **attributes,
                  "target": [{"arn": arn, "role_arn": "arn:aws:iam::123456789012:role/s", "input": input_value}]}
    return Resource(address=address, type="aws_scheduler_schedule", origin=origin, location=Location("main.tf", 7, 15),
                    tags=None, attributes=attributes, root=root if origin == Origin.HCL else "")


@pytest.mark.parametrize("tags, reason", [
    ({"schedule": "office-hours"}, "the policy's schedule tag 'schedule'"),
    ({"maid_offhours": "on"}, "Cloud Custodian off-hours tag 'maid_offhours'"),
    ({"MAID_OFFHOURS": "off=(M-F,19)"}, "Cloud Custodian off-hours tag 'MAID_OFFHOURS'"),  # "off=" is a schedule
    ({"custodian_downtime": None}, "Cloud Custodian off-hours tag 'custodian_downtime'"),  # value unknown
    ({"Schedule": "office-hours"}, "Instance Scheduler tag 'Schedule'"),
    ({"Schedule": None}, "Instance Scheduler tag 'Schedule'"),
    ({"maid_offhours": "off"}, None),
    ({"maid_offhours": '"Off"'}, None),  # quotes stripped, as Custodian does
    ({"Schedule": ""}, None),
    ({"schedule-name": "office-hours", "offhours": "on"}, None),  # neither a scheduler's tag nor the policy's
])
def test_tags(tags, reason) -> None:
    instance = _resource("aws_instance.dev", tags=tags)
    assert schedule_evidence(instance, _ctx(instance)) == reason


def test_instance_scheduler_tag_key_is_case_sensitive(tmp_path) -> None:
    # Without a policy schedule_tag, the lower-case "schedule" is no scheduler's tag
    instance = _resource("aws_instance.dev", tags={"schedule": "office-hours", "SCHEDULE": "office-hours"})
    ctx = _ctx(instance, policy_text="version: 1\nenvironments: {non_production: [dev]}\n", tmp_path=tmp_path)
    assert schedule_evidence(instance, ctx) is None


def test_live_asg_scheduled_actions() -> None:
    def evidence(actions):
        group = _resource("arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x:autoScalingGroupName/api",
                          "aws_autoscaling_group", origin=Origin.AWS, name="api", live={"scheduled_actions": actions})
        return schedule_evidence(group, _ctx(group))

    night = {"name": "night", "recurrence": "0 20 * * 1-5", "min_size": None, "max_size": None, "desired_capacity": 0}
    to_one = {**night, "name": "quiet", "desired_capacity": 1, "min_size": 1}
    once = {**night, "recurrence": None, "start_time": "2026-12-24T18:00:00+00:00"}
    max_zero = {**night, "desired_capacity": None, "max_size": 0, "min_size": 0}
    assert evidence([night]) == "scheduled action 'night' scales the group to zero"
    assert evidence([to_one]) is None  # the group still runs at night
    assert evidence([once]) is None  # a one-off action is no off-hours schedule
    assert evidence([to_one, max_zero]) == "scheduled action 'night' scales the group to zero"
    assert evidence(None) is None  # DescribeScheduledActions was not readable


def test_autoscaling_schedule_names_the_schedule() -> None:
    asg = _resource("aws_autoscaling_group.app", "aws_autoscaling_group", name="app-dev")
    night = _resource("aws_autoscaling_schedule.night", "aws_autoscaling_schedule",
                      autoscaling_group_name=Unknown("aws_autoscaling_group.app.name", "aws_autoscaling_group.app"),
                      desired_capacity=0, recurrence="0 19 * * 1-5")
    assert schedule_evidence(asg, _ctx(asg, night)) == "aws_autoscaling_schedule.night scales the group to zero"
    elsewhere = _resource("aws_autoscaling_schedule.night", "aws_autoscaling_schedule", root="other",
                          autoscaling_group_name="app-dev", desired_capacity=0, recurrence="0 19 * * 1-5")
    assert schedule_evidence(asg, _ctx(asg, elsewhere)) is None  # another root: another configuration


def test_scheduler_reference_to_every_instance_of_a_for_each() -> None:
    a, b = _resource('aws_instance.dev["a"]'), _resource('aws_instance.dev["b.c"]')
    near = _resource('aws_instance.dev_gpu["a"]')
    stop = _stop_schedule("aws_scheduler_schedule.stop", Unknown("aws_instance.dev", "aws_instance.dev"))
    ctx = _ctx(a, b, near, stop)
    assert schedule_evidence(a, ctx) == schedule_evidence(b, ctx) == "aws_scheduler_schedule.stop stops it"
    assert schedule_evidence(near, ctx) is None  # a prefix of the address is not a reference to it


def test_scheduler_reference_inside_a_module() -> None:
    inside = _resource("module.app.aws_instance.dev")
    root_level = _resource("aws_instance.dev")
    stop = _stop_schedule("module.app.aws_scheduler_schedule.stop",
                          Unknown("aws_instance.dev.id", "module.app.aws_instance.dev"))
    ctx = _ctx(inside, root_level, stop)
    assert schedule_evidence(inside, ctx) == "module.app.aws_scheduler_schedule.stop stops it"
    assert schedule_evidence(root_level, ctx) is None


def test_plan_scheduler_with_a_literal_instance_id() -> None:
    # In a plan an existing instance's id is known, and so is the input that names it
    known = _resource("aws_instance.dev", origin=Origin.PLAN, id="i-0abc")
    other = _resource("aws_instance.other", origin=Origin.PLAN, id="i-0def")
    stop = _stop_schedule("aws_scheduler_schedule.stop", json.dumps({"InstanceIds": ["i-0abc"]}), origin=Origin.PLAN)
    ctx = _ctx(known, other, stop)
    assert schedule_evidence(known, ctx) == "aws_scheduler_schedule.stop stops it"
    assert schedule_evidence(other, ctx) is None


@pytest.mark.parametrize("arn, attributes, covered", [
    ("arn:aws-cn:scheduler:::aws-sdk:ec2:stopInstances", {}, True),  # another partition
    (STOP_EC2, {"schedule_expression": "rate(1 day)"}, True),
    (STOP_EC2, {"schedule_expression": Unknown("var.cron")}, True),
    (STOP_EC2, {"state": Unknown("var.state")}, True),
    (STOP_EC2, {"state": "disabled"}, False),
    (STOP_EC2, {"schedule_expression": "at(2026-12-24T18:00:00)"}, False),
    ("arn:aws:scheduler:::aws-sdk:ec2:startInstances", {}, False),
    ("arn:aws:scheduler:::aws-sdk:ec2:stopInstances:extra", {}, False),
    ("arn:aws:lambda:us-east-1:123456789012:function:stopper", {}, False),  # a Lambda's input is its own business
    (STOP_RDS, {}, False),  # an RDS action does not stop an instance
    (Unknown("var.target"), {}, False),
])
def test_scheduler_target_and_expression(arn, attributes, covered) -> None:
    instance = _resource("aws_instance.dev")
    stop = _stop_schedule("aws_scheduler_schedule.stop", Unknown("aws_instance.dev.id", "aws_instance.dev"),
                          arn=arn, **attributes)
    assert (schedule_evidence(instance, _ctx(instance, stop)) is not None) is covered


@pytest.mark.parametrize("input_value, covered", [
    ('{"DbInstanceIdentifier": "orders-dev"}', True),
    ('{"DBInstanceIdentifier": "orders-dev"}', True),  # the RDS API's own spelling
    ('{"DbInstanceIdentifier": "billing-dev"}', False),
    ('{"DbInstanceIdentifier": ["orders-dev"]}', True),
    ("not json", False),
    ('["orders-dev"]', False),
    (None, False),
])
def test_scheduler_rds_literal_identifier(input_value, covered) -> None:
    db = _resource("aws_db_instance.dev", "aws_db_instance", identifier="orders-dev")
    stop = _stop_schedule("aws_scheduler_schedule.stop", input_value, arn=STOP_RDS)
    assert (schedule_evidence(db, _ctx(db, stop)) is not None) is covered
