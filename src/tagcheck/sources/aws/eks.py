"""EKS clusters (``aws_eks_cluster``) and managed node groups (``aws_eks_node_group``).

DescribeCluster and DescribeNodegroup return tags. A node group's attributes are the
Terraform ones the node-group estimate and COST203 read (``instance_types``,
``capacity_type``, ``scaling_config``).
"""

from __future__ import annotations

from tagcheck.model import Unknown
from tagcheck.sources.aws.common import CollectContext, Outcome, iso, unknown_tags

SERVICE = "eks"


def clusters(ctx: CollectContext) -> Outcome:
    out = Outcome()
    client = ctx.client("eks")
    for name in ctx.pages(client, "list_clusters", "clusters"):
        ok, value = ctx.try_read(f"DescribeCluster {name}", lambda: client.describe_cluster(name=name))
        cluster = value["cluster"] if ok else {"tags": unknown_tags(value)}
        arn = cluster.get("arn") or ctx.arn("eks", f"cluster/{name}")
        out.resources.append(ctx.resource(
            "aws_eks_cluster", arn, cluster.get("tags") if cluster.get("tags") is not None else {},
            {"name": name, "version": cluster.get("version")},
            {"state": cluster.get("status"), "created_at": iso(cluster.get("createdAt"))}))
        for group_name in ctx.pages(client, "list_nodegroups", "nodegroups", clusterName=name):
            ok, value = ctx.try_read(f"DescribeNodegroup {name}/{group_name}",
                                     lambda: client.describe_nodegroup(clusterName=name, nodegroupName=group_name))
            group = value["nodegroup"] if ok else {"tags": unknown_tags(value)}
            scaling = group.get("scalingConfig") or {}
            attributes = {
                "cluster_name": name, "node_group_name": group_name,
                "instance_types": (group.get("instanceTypes") or []) if ok else Unknown(f"DescribeNodegroup failed: {value}"),
                "capacity_type": group.get("capacityType") or ("ON_DEMAND" if ok else None),
                "scaling_config": [{"desired_size": scaling.get("desiredSize"), "min_size": scaling.get("minSize"),
                                    "max_size": scaling.get("maxSize")}],
                "disk_size": group.get("diskSize"), "ami_type": group.get("amiType"),
            }
            live = {"state": group.get("status"), "created_at": iso(group.get("createdAt")),
                    "autoscaling_groups": [g.get("name") for g in (group.get("resources") or {}).get("autoScalingGroups") or []]}
            arn = group.get("nodegroupArn") or ctx.arn("eks", f"nodegroup/{name}/{group_name}")
            tags = group.get("tags") if group.get("tags") is not None else {}
            out.resources.append(ctx.resource("aws_eks_node_group", arn, tags, attributes, live))
    return out


COLLECTORS = {"clusters": clusters}
