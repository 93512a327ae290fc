"""RDS DB instances (``aws_db_instance``; Aurora members as ``aws_rds_cluster_instance``).

DescribeDBInstances returns each instance's ``TagList``, so tags cost no extra call.
Attributes are the Terraform arguments the DB estimate and COST201/204/207 read
(``instance_class``, ``engine``, ``allocated_storage``, ``storage_type``, ``multi_az``);
the CPU history of available instances is fetched as a follow-up (see ``metrics``).
"""

from __future__ import annotations

from tagcheck.sources.aws import metrics
from tagcheck.sources.aws.common import CollectContext, Outcome, iso, pairs

SERVICE = "rds"


def db_instances(ctx: CollectContext) -> Outcome:
    out = Outcome()
    available: list[tuple[str, str]] = []
    for item in ctx.pages(ctx.client("rds"), "describe_db_instances", "DBInstances"):
        ident = item["DBInstanceIdentifier"]
        arn = item.get("DBInstanceArn") or ctx.arn("rds", f"db:{ident}")
        engine = item.get("Engine") or ""
        rtype = "aws_rds_cluster_instance" if engine.startswith("aurora") else "aws_db_instance"
        attributes = {
            "identifier": ident,
            "instance_class": item.get("DBInstanceClass"),
            "engine": engine,
            "engine_version": item.get("EngineVersion"),
            "allocated_storage": item.get("AllocatedStorage"),
            "storage_type": item.get("StorageType"),
            "iops": item.get("Iops"),
            "storage_throughput": item.get("StorageThroughput"),
            "multi_az": bool(item.get("MultiAZ")),
            "storage_encrypted": item.get("StorageEncrypted"),
        }
        if rtype == "aws_rds_cluster_instance":
            attributes["cluster_identifier"] = item.get("DBClusterIdentifier")
        live = {"state": item.get("DBInstanceStatus"), "create_time": iso(item.get("InstanceCreateTime"))}
        out.resources.append(ctx.resource(rtype, arn, pairs(item.get("TagList")), attributes, live))
        if item.get("DBInstanceStatus") == "available":
            available.append((arn, ident))
    out.more = metrics.cpu_followup(ctx, metrics.RDS, available)
    return out


COLLECTORS = {"db_instances": db_instances}
