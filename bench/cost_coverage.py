#!/usr/bin/env python3
"""How many resources with fixed spend get a dollar figure (issue #15), on public Terraform.

    python bench/cost_coverage.py DIR [--only NAME,...] [--markdown]

DIR is the real-world corpus of bench/realworld.py (DIR/OWNER__NAME, the repositories of
bench/realworld_manifest.tsv). Each repository is scanned in this process with the Terraform
source (no cache), and every resource is estimated with the shipped catalogue.

A resource has *fixed spend* when its type bills by the hour or the month whatever it is used
for (:data:`FIXED_SPEND`: instances, node groups, databases, caches, search and warehouse
clusters, endpoints, gateways, load balancers, volumes, keys…); usage-only types (S3, Lambda,
DynamoDB on demand, log groups) are not counted. For each repository the table gives the
fixed-spend resources, how many get a number, and the reasons of those that do not, grouped
(a region or size from an input the scan cannot know is the usual one; "no estimator" means
tagcheck has no price for the type at all). It prints numbers and asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tagcheck.catalog.prices import default_pricebook  # noqa: E402
from tagcheck.cost.estimate import _ESTIMATORS, CostModel  # noqa: E402
from tagcheck.sources.terraform.inputs import RootInputs  # noqa: E402
from tagcheck.sources.terraform.source import scan  # noqa: E402

FIXED_SPEND = frozenset({
    "aws_instance", "aws_autoscaling_group", "aws_eks_node_group", "aws_eks_cluster", "aws_eks_fargate_profile",
    "aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance", "aws_docdb_cluster_instance",
    "aws_neptune_cluster_instance", "aws_elasticache_cluster", "aws_elasticache_replication_group",
    "aws_opensearch_domain", "aws_elasticsearch_domain", "aws_redshift_cluster", "aws_msk_cluster",
    "aws_sagemaker_notebook_instance", "aws_sagemaker_endpoint", "aws_ecs_service", "aws_mq_broker",
    "aws_mwaa_environment", "aws_efs_file_system", "aws_fsx_lustre_file_system", "aws_fsx_windows_file_system",
    "aws_fsx_ontap_file_system", "aws_fsx_openzfs_file_system", "aws_ebs_volume", "aws_ebs_snapshot",
    "aws_nat_gateway", "aws_eip", "aws_lb", "aws_alb", "aws_elb", "aws_vpc_endpoint",
    "aws_ec2_transit_gateway_vpc_attachment", "aws_vpn_connection", "aws_ec2_client_vpn_network_association",
    "aws_route53_resolver_endpoint", "aws_networkfirewall_firewall", "aws_acmpca_certificate_authority",
    "aws_kms_key", "aws_secretsmanager_secret", "aws_cloudwatch_metric_alarm", "aws_cloudwatch_dashboard",
    "aws_route53_zone",
})

# reason texts → a class, names taken out (as bench/realworld.py groups TAG005 reasons)
_NAMES = [(re.compile(r"\b(var|local|data|module)\.[A-Za-z0-9_.\[\]\"-]+"), r"\1.X"),
          (re.compile(r"\b[a-z][a-z0-9]*(\.[a-z0-9-]+)+\b"), "TYPE"), (re.compile(r"\d+"), "N")]


def reason_class(reason: str) -> str:
    for pattern, replacement in _NAMES:
        reason = pattern.sub(replacement, reason)
    return reason[:90]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--only", default="")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    repos = sorted(p for p in args.corpus.iterdir() if p.is_dir() and (not only or p.name.split("__")[-1] in only))
    prices = default_pricebook()
    rows, reasons, by_type = [], collections.Counter(), collections.Counter()
    for repo in repos:
        resources = scan([repo], RootInputs([], {}, None), cwd=repo).resources
        costs = CostModel(prices, resources)
        fixed = [r for r in resources if r.type in FIXED_SPEND]
        priced = 0
        for resource in fixed:
            if resource.type not in _ESTIMATORS:
                reasons["no estimator"] += 1
                by_type[resource.type] += 1
                continue
            estimate = costs.estimate(resource)
            if estimate.known:
                priced += 1
            else:
                reasons[reason_class(estimate.unknown or "")] += 1
        rows.append((repo.name.split("__")[-1], len(resources), len(fixed), priced))
    total_fixed = sum(r[2] for r in rows)
    total_priced = sum(r[3] for r in rows)
    print("| repository | resources | fixed spend | with a number | share |")
    print("| --- | --- | --- | --- | --- |")
    for name, count, fixed, priced in rows:
        print(f"| {name} | {count:,} | {fixed:,} | {priced:,} | {priced / fixed:.0%} |" if fixed else
              f"| {name} | {count:,} | 0 | 0 | — |")
    share = f"{total_priced / total_fixed:.1%}" if total_fixed else "—"
    print(f"| **total** | {sum(r[1] for r in rows):,} | {total_fixed:,} | {total_priced:,} | {share} |")
    print("\n| why no number | resources |\n| --- | --- |")
    for reason, n in reasons.most_common(15):
        print(f"| {reason} | {n:,} |")
    print("\n| fixed-spend type without an estimator | resources |\n| --- | --- |")
    for rtype, n in by_type.most_common():
        print(f"| {rtype} | {n:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
