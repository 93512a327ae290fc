"""Auto Scaling groups (``aws_autoscaling_group``).

Attributes follow the Terraform arguments (``min_size``, ``desired_capacity``,
``launch_template``, ``mixed_instances_policy`` with ``instances_distribution`` and
``override`` blocks, ``tag`` blocks) so the ASG estimate and COST202/203 read them as
they read code. A live group's launch template is an id, not a Terraform reference,
so the instance type of the exact version the group launches is resolved here
(DescribeLaunchTemplateVersions, or DescribeLaunchConfigurations) and kept as
``live.instance_type``. Scheduled actions (the off-hours evidence COST202 looks for)
are ``live.scheduled_actions``.

Groups that EKS manages for a node group (tag ``eks:nodegroup-name``) are skipped:
``aws_eks_node_group`` carries them, as in Terraform.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tagcheck.sources.aws.common import CollectContext, Outcome, chunks, iso

SERVICE = "autoscaling"


def _spec(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    if not spec:
        return None
    return {"launch_template_id": spec.get("LaunchTemplateId"), "launch_template_name": spec.get("LaunchTemplateName"),
            "version": spec.get("Version") or "$Default"}


def _mixed(policy: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not policy:
        return []
    dist = policy.get("InstancesDistribution") or {}
    template = policy.get("LaunchTemplate") or {}
    spec = _spec(template.get("LaunchTemplateSpecification"))
    return [{
        "instances_distribution": [{
            "on_demand_base_capacity": dist.get("OnDemandBaseCapacity"),
            "on_demand_percentage_above_base_capacity": dist.get("OnDemandPercentageAboveBaseCapacity"),
            "spot_allocation_strategy": dist.get("SpotAllocationStrategy"),
            "on_demand_allocation_strategy": dist.get("OnDemandAllocationStrategy"),
        }] if dist else [],
        "launch_template": [{
            "launch_template_specification": [spec] if spec else [],
            "override": [{"instance_type": o.get("InstanceType"), "weighted_capacity": o.get("WeightedCapacity")}
                         for o in template.get("Overrides") or []],
        }],
    }]


class _TypeResolver:
    """Instance type of a launch template version or launch configuration, cached."""

    def __init__(self, ctx: CollectContext):
        self.ctx = ctx
        self.cache: dict[tuple, str | None] = {}

    def template(self, spec: dict[str, Any]) -> str | None:
        ident = spec.get("LaunchTemplateId") or spec.get("LaunchTemplateName")
        version = spec.get("Version") or "$Default"
        key = ("lt", ident, version)
        if key not in self.cache:
            params = {"Versions": [version]}
            params["LaunchTemplateId" if spec.get("LaunchTemplateId") else "LaunchTemplateName"] = ident
            ec2 = self.ctx.client("ec2")
            ok, value = self.ctx.try_read("DescribeLaunchTemplateVersions",
                                          lambda: ec2.describe_launch_template_versions(**params))
            versions = value.get("LaunchTemplateVersions") if ok else None
            self.cache[key] = ((versions[0].get("LaunchTemplateData") or {}).get("InstanceType")
                               if versions else None)
        return self.cache[key]

    def configurations(self, names: list[str]) -> None:
        asg = self.ctx.client("autoscaling")
        for batch in chunks(sorted(set(names)), 50):
            ok, value = self.ctx.try_read("DescribeLaunchConfigurations",
                                          lambda b=batch: asg.describe_launch_configurations(LaunchConfigurationNames=b))
            for item in (value.get("LaunchConfigurations") or []) if ok else []:
                self.cache[("lc", item["LaunchConfigurationName"])] = item.get("InstanceType")


def _instance_type(group: dict[str, Any], resolver: _TypeResolver) -> str | None:
    policy = group.get("MixedInstancesPolicy") or {}
    template = policy.get("LaunchTemplate") or {}
    spec = group.get("LaunchTemplate") or template.get("LaunchTemplateSpecification")
    resolved = resolver.template(spec) if spec else None
    if resolved is None and group.get("LaunchConfigurationName"):
        resolved = resolver.cache.get(("lc", group["LaunchConfigurationName"]))
    if resolved is None:
        overrides = [o.get("InstanceType") for o in template.get("Overrides") or [] if o.get("InstanceType")]
        resolved = overrides[0] if overrides else None
    return resolved


def groups(ctx: CollectContext) -> Outcome:
    out = Outcome()
    asg = ctx.client("autoscaling")
    items = list(ctx.pages(asg, "describe_auto_scaling_groups", "AutoScalingGroups"))
    if not items:
        return out
    schedules: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ok, actions = ctx.try_read("DescribeScheduledActions",
                               lambda: list(ctx.pages(asg, "describe_scheduled_actions", "ScheduledUpdateGroupActions")))
    for action in actions if ok else []:
        schedules[action["AutoScalingGroupName"]].append({
            "name": action.get("ScheduledActionName"), "recurrence": action.get("Recurrence"),
            "start_time": iso(action.get("StartTime")), "end_time": iso(action.get("EndTime")),
            "min_size": action.get("MinSize"), "max_size": action.get("MaxSize"),
            "desired_capacity": action.get("DesiredCapacity"), "time_zone": action.get("TimeZone")})
    resolver = _TypeResolver(ctx)
    resolver.configurations([g["LaunchConfigurationName"] for g in items if g.get("LaunchConfigurationName")])
    for group in items:
        tag_list = group.get("Tags") or []
        tags = {t["Key"]: t.get("Value") for t in tag_list if "Key" in t}
        if "eks:nodegroup-name" in tags:
            out.skipped["eks_managed_autoscaling_groups"] += 1
            continue
        name = group["AutoScalingGroupName"]
        spec = _spec(group.get("LaunchTemplate"))
        attributes = {
            "name": name,
            "min_size": group.get("MinSize"),
            "max_size": group.get("MaxSize"),
            "desired_capacity": group.get("DesiredCapacity"),
            "launch_template": [{"id": spec["launch_template_id"], "name": spec["launch_template_name"],
                                 "version": spec["version"]}] if spec else [],
            "launch_configuration": group.get("LaunchConfigurationName"),
            "mixed_instances_policy": _mixed(group.get("MixedInstancesPolicy")),
            "target_group_arns": group.get("TargetGroupARNs") or [],
            "vpc_zone_identifier": [s for s in (group.get("VPCZoneIdentifier") or "").split(",") if s],
            "tag": [{"key": t["Key"], "value": t.get("Value"), "propagate_at_launch": t.get("PropagateAtLaunch")}
                    for t in tag_list if "Key" in t],
        }
        live = {
            "instance_type": _instance_type(group, resolver),
            "instances": len(group.get("Instances") or []),
            "created_time": iso(group.get("CreatedTime")),
            "scheduled_actions": schedules.get(name, []) if ok else None,
        }
        arn = group.get("AutoScalingGroupARN") or ctx.arn("autoscaling", f"autoScalingGroup:*:autoScalingGroupName/{name}")
        out.resources.append(ctx.resource("aws_autoscaling_group", arn, tags, attributes, live))
    return out


COLLECTORS = {"groups": groups}
