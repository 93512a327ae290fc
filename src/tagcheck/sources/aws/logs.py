"""CloudWatch Logs log groups (``aws_cloudwatch_log_group``).

``retention_in_days`` is absent when logs are kept forever — what COST206 looks for.
Tags: one ListTagsForResource per group, on the group ARN without the ``:*`` suffix
DescribeLogGroups' ``arn`` carries.
"""

from __future__ import annotations

from tagcheck.sources.aws.common import CollectContext, Outcome, iso, unknown_tags

SERVICE = "logs"


def log_groups(ctx: CollectContext) -> Outcome:
    out = Outcome()
    client = ctx.client("logs")
    for item in ctx.pages(client, "describe_log_groups", "logGroups"):
        name = item["logGroupName"]
        arn = item.get("logGroupArn") or (item.get("arn") or "").removesuffix(":*") or ctx.arn("logs", f"log-group:{name}")
        ok, value = ctx.try_read(f"ListTagsForResource {name}", lambda: client.list_tags_for_resource(resourceArn=arn))
        tags = (value.get("tags") or {}) if ok else unknown_tags(value)
        attributes = {"name": name, "retention_in_days": item.get("retentionInDays"),
                      "kms_key_id": item.get("kmsKeyId"), "log_group_class": item.get("logGroupClass") or "STANDARD"}
        live = {"stored_bytes": item.get("storedBytes"), "creation_time": iso(item.get("creationTime"))}
        out.resources.append(ctx.resource("aws_cloudwatch_log_group", arn, tags, attributes, live))
    return out


COLLECTORS = {"log_groups": log_groups}
