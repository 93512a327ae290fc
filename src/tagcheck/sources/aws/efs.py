"""EFS file systems (``aws_efs_file_system``); DescribeFileSystems returns the tags."""

from __future__ import annotations

from tagcheck.sources.aws.common import CollectContext, Outcome, iso, pairs

SERVICE = "efs"


def file_systems(ctx: CollectContext) -> Outcome:
    out = Outcome()
    for item in ctx.pages(ctx.client("efs"), "describe_file_systems", "FileSystems"):
        ident = item["FileSystemId"]
        arn = item.get("FileSystemArn") or ctx.arn("elasticfilesystem", f"file-system/{ident}")
        attributes = {"creation_token": item.get("CreationToken"), "performance_mode": item.get("PerformanceMode"),
                      "throughput_mode": item.get("ThroughputMode"),
                      "provisioned_throughput_in_mibps": item.get("ProvisionedThroughputInMibps"),
                      "encrypted": item.get("Encrypted")}
        size = item.get("SizeInBytes") or {}
        live = {"state": item.get("LifeCycleState"), "size_bytes": size.get("Value"),
                "create_time": iso(item.get("CreationTime")), "name": item.get("Name")}
        out.resources.append(ctx.resource("aws_efs_file_system", arn, pairs(item.get("Tags")), attributes, live))
    return out


COLLECTORS = {"file_systems": file_systems}
