"""ECS clusters (``aws_ecs_cluster``) and services (``aws_ecs_service``).

DescribeClusters (100 a call) and DescribeServices (10 a call) return tags when asked
with ``include=["TAGS"]``. Tags on ECS use lower-case ``key``/``value``.
"""

from __future__ import annotations

from tagcheck.sources.aws.common import CollectContext, Outcome, chunks, iso, pairs

SERVICE = "ecs"


def clusters(ctx: CollectContext) -> Outcome:
    out = Outcome()
    client = ctx.client("ecs")
    arns = list(ctx.pages(client, "list_clusters", "clusterArns"))
    for batch in chunks(arns, 100):
        for cluster in client.describe_clusters(clusters=batch, include=["TAGS"]).get("clusters") or []:
            arn = cluster["clusterArn"]
            out.resources.append(ctx.resource(
                "aws_ecs_cluster", arn, pairs(cluster.get("tags"), "key", "value"), {"name": cluster.get("clusterName")},
                {"state": cluster.get("status"), "running_tasks": cluster.get("runningTasksCount"),
                 "active_services": cluster.get("activeServicesCount"),
                 "container_instances": cluster.get("registeredContainerInstancesCount")}))
            service_arns = list(ctx.pages(client, "list_services", "serviceArns", cluster=arn))
            for group in chunks(service_arns, 10):
                ok, value = ctx.try_read("DescribeServices", lambda g=group: client.describe_services(
                    cluster=arn, services=g, include=["TAGS"]))
                for service in (value.get("services") or []) if ok else []:
                    attributes = {"name": service.get("serviceName"), "cluster": arn,
                                  "desired_count": service.get("desiredCount"), "launch_type": service.get("launchType"),
                                  "task_definition": service.get("taskDefinition"),
                                  "capacity_provider_strategy": [
                                      {"capacity_provider": s.get("capacityProvider"), "weight": s.get("weight"),
                                       "base": s.get("base")} for s in service.get("capacityProviderStrategy") or []]}
                    live = {"state": service.get("status"), "running_count": service.get("runningCount"),
                            "created_at": iso(service.get("createdAt"))}
                    out.resources.append(ctx.resource("aws_ecs_service", service["serviceArn"],
                                                      pairs(service.get("tags"), "key", "value"), attributes, live))
    return out


COLLECTORS = {"clusters": clusters}
