"""ElastiCache clusters (``aws_elasticache_cluster``).

Every cache cluster is listed, members of a replication group included (their
``replication_group_id`` says so); tags need one ListTagsForResource per cluster.
"""

from __future__ import annotations

from tagcheck.sources.aws.common import CollectContext, Outcome, iso, pairs, unknown_tags

SERVICE = "elasticache"


def clusters(ctx: CollectContext) -> Outcome:
    out = Outcome()
    client = ctx.client("elasticache")
    for item in ctx.pages(client, "describe_cache_clusters", "CacheClusters"):
        ident = item["CacheClusterId"]
        arn = item.get("ARN") or ctx.arn("elasticache", f"cluster:{ident}")
        ok, value = ctx.try_read(f"ListTagsForResource {ident}", lambda: client.list_tags_for_resource(ResourceName=arn))
        tags = pairs(value.get("TagList")) if ok else unknown_tags(value)
        attributes = {"cluster_id": ident, "engine": item.get("Engine"), "engine_version": item.get("EngineVersion"),
                      "node_type": item.get("CacheNodeType"), "num_cache_nodes": item.get("NumCacheNodes"),
                      "replication_group_id": item.get("ReplicationGroupId")}
        live = {"state": item.get("CacheClusterStatus"), "create_time": iso(item.get("CacheClusterCreateTime"))}
        out.resources.append(ctx.resource("aws_elasticache_cluster", arn, tags, attributes, live))
    return out


COLLECTORS = {"clusters": clusters}
