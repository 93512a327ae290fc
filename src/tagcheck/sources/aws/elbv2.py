"""Elastic Load Balancing v2: application, network and gateway load balancers (``aws_lb``).

Tags come from DescribeTags, 20 ARNs a call (its limit). ``live.target_count`` is the
number of targets registered in the target groups attached to the load balancer
(DescribeTargetHealth, one call per attached group): zero means it serves nothing —
the evidence COST214 needs. Classic load balancers (``aws_elb``) are not collected.
"""

from __future__ import annotations

from collections import defaultdict

from tagcheck.sources.aws.common import CollectContext, Outcome, chunks, iso, pairs, unknown_tags

SERVICE = "elbv2"
TAGS_PER_CALL = 20


def load_balancers(ctx: CollectContext) -> Outcome:
    out = Outcome()
    elb = ctx.client("elbv2")
    items = list(ctx.pages(elb, "describe_load_balancers", "LoadBalancers"))
    if not items:
        return out
    tags: dict[str, dict[str, str]] = {}
    tag_failure: str | None = None
    for batch in chunks([i["LoadBalancerArn"] for i in items], TAGS_PER_CALL):
        ok, value = ctx.try_read("DescribeTags", lambda b=batch: elb.describe_tags(ResourceArns=b))
        if not ok:
            tag_failure = value
            continue
        for description in value.get("TagDescriptions") or []:
            tags[description["ResourceArn"]] = pairs(description.get("Tags"))
    groups: dict[str, list[str]] = defaultdict(list)
    for group in ctx.pages(elb, "describe_target_groups", "TargetGroups"):
        for lb_arn in group.get("LoadBalancerArns") or []:
            groups[lb_arn].append(group["TargetGroupArn"])
    counts: dict[str, int | None] = {}
    for item in items:
        arn = item["LoadBalancerArn"]
        total: int | None = 0
        for group_arn in groups.get(arn, []):
            ok, value = ctx.try_read("DescribeTargetHealth",
                                     lambda g=group_arn: elb.describe_target_health(TargetGroupArn=g))
            if not ok:
                total = None
                break
            total += len(value.get("TargetHealthDescriptions") or [])
        counts[arn] = total
    for item in items:
        arn = item["LoadBalancerArn"]
        attributes = {"name": item.get("LoadBalancerName"), "load_balancer_type": item.get("Type") or "application",
                      "internal": item.get("Scheme") == "internal", "ip_address_type": item.get("IpAddressType")}
        live = {"state": (item.get("State") or {}).get("Code"), "created_time": iso(item.get("CreatedTime")),
                "target_groups": len(groups.get(arn, [])), "target_count": counts.get(arn)}
        resource_tags = tags.get(arn, {}) if arn in tags or tag_failure is None else unknown_tags(tag_failure)
        out.resources.append(ctx.resource("aws_lb", arn, resource_tags, attributes, live))
    return out


COLLECTORS = {"load_balancers": load_balancers}
