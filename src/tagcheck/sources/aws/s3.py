"""S3 buckets (``aws_s3_bucket``): global, listed once per account.

ListBuckets is paginated without a page size (moto drops the continuation token when
``MaxBuckets`` is passed). The per-bucket reads — GetBucketLocation, GetBucketTagging,
GetBucketLifecycleConfiguration — run as follow-up tasks of 25 buckets each, so a
large account's buckets are read concurrently like everything else. A bucket's region
comes from its location (``None`` is us-east-1, ``EU`` is eu-west-1); buckets outside
the audited regions are skipped and counted.

The lifecycle configuration is mapped to the inline ``lifecycle_rule`` blocks COST205
checks: the enabled rules that transition or expire current objects (a rule that only
expires old versions leaves the live data in S3 Standard). Every rule, as read, is in
``live.lifecycle_rules``.
"""

from __future__ import annotations

from typing import Any

from tagcheck.model import Unknown
from tagcheck.sources.aws.common import CollectContext, Outcome, Task, chunks, iso, pairs, unknown_tags

SERVICE = "s3"
PER_TASK = 25
_LEGACY = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}


def buckets(ctx: CollectContext) -> Outcome:
    out = Outcome()
    items = list(ctx.pages(ctx.client("s3"), "list_buckets", "Buckets", page_size=False))
    for batch in chunks(items, PER_TASK):
        out.more.append(Task(SERVICE, "buckets", ctx.account, ctx.region, "global",
                             lambda c, b=batch: details(c, b)))
    return out


def _lifecycle(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for rule in rules:
        transitions = [{"days": t.get("Days"), "date": iso(t.get("Date")), "storage_class": t.get("StorageClass")}
                       for t in rule.get("Transitions") or ([rule["Transition"]] if rule.get("Transition") else [])]
        expiration = rule.get("Expiration") or {}
        expirations = [{"days": expiration.get("Days"), "date": iso(expiration.get("Date")),
                        "expired_object_delete_marker": expiration.get("ExpiredObjectDeleteMarker")}] \
            if expiration.get("Days") or expiration.get("Date") else []
        if rule.get("Status") != "Enabled" or not (transitions or expirations):
            continue
        prefix = rule.get("Prefix") or ((rule.get("Filter") or {}).get("Prefix"))
        out.append({"id": rule.get("ID"), "enabled": True, "prefix": prefix, "transition": transitions,
                    "expiration": expirations})
    return out


def _raw_rule(rule: dict[str, Any]) -> dict[str, Any]:
    keep = ("ID", "Status", "Prefix", "Filter", "Transitions", "Expiration", "NoncurrentVersionTransitions",
            "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload")
    return {k: rule[k] for k in keep if k in rule}


def details(ctx: CollectContext, items: list[dict[str, Any]]) -> Outcome:
    out = Outcome()
    s3 = ctx.client("s3")
    wanted = set(ctx.settings.regions)
    for item in items:
        name = item["Name"]
        ok, location = ctx.try_read(f"GetBucketLocation {name}", lambda: s3.get_bucket_location(Bucket=name))
        region: Any
        if ok:
            constraint = location.get("LocationConstraint")
            region = _LEGACY.get(constraint, constraint)
            if wanted and region not in wanted:
                out.skipped["buckets_outside_regions"] += 1
                continue
        else:
            region = Unknown(f"GetBucketLocation failed: {location}")
        regional = ctx.client("s3", region) if isinstance(region, str) else s3
        ok, tagging = ctx.try_read(f"GetBucketTagging {name}", lambda: regional.get_bucket_tagging(Bucket=name),
                                   absent=("NoSuchTagSet",), default={})
        tags = pairs(tagging.get("TagSet")) if ok else unknown_tags(tagging)
        ok, lifecycle = ctx.try_read(f"GetBucketLifecycleConfiguration {name}",
                                     lambda: regional.get_bucket_lifecycle_configuration(Bucket=name),
                                     absent=("NoSuchLifecycleConfiguration",), default={})
        rules = (lifecycle.get("Rules") or []) if ok else []
        attributes = {"bucket": name,
                      "lifecycle_rule": _lifecycle(rules) if ok else Unknown(f"GetBucketLifecycleConfiguration failed: {lifecycle}")}
        live = {"creation_date": iso(item.get("CreationDate")),
                "lifecycle_rules": [_raw_rule(r) for r in rules] if ok else None}
        arn = f"arn:{ctx.partition}:s3:::{name}"
        out.resources.append(ctx.resource("aws_s3_bucket", arn, tags, attributes, live, region=region))
    return out


COLLECTORS = {"buckets": buckets}
