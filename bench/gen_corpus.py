#!/usr/bin/env python3
"""Generate a realistic AWS Terraform monorepo for tagcheck's benchmark (DESIGN §8).

    python bench/gen_corpus.py --files 1000 --out bench/.corpus/1000 [--seed 7]

Layout (exactly N ``.tf`` files, N >= 40):

    .tagcheck.yaml                  the policy (finops-baseline: team, environment, cost-center)
    .bench-manifest.json            what was generated (counts, bytes, the pre-commit module)
    modules/<kind>-<team>[-vN]/     reusable child modules, terraform-aws-modules style:
        main.tf variables.tf outputs.tf [versions.tf]     tags = merge(var.tags, {...})
    envs/{prod,staging,dev}/        root modules ...
    services/<service>/             ... and more of them:
        providers.tf                provider "aws" with default_tags from locals + an aliased one
        variables.tf locals.tf      merge() chains of tag maps
        terraform.tfvars
        main.tf                     calls to ../../modules/*, a remote registry module now and then
        compute.tf storage.tf ...   resources of many AWS types: count, for_each over maps,
                                    conditionals, lookup(), dynamic "tag" blocks on ASGs

About 15 % of the tagged things (resources, module calls, ASG tag lists) carry a deliberate
mistake: a missing cost-center, a misspelt key (cost_center, CostCenter, Team …), an empty
value or an environment that is not allowed. Output is deterministic for a given
(--files, --seed) and does not depend on PYTHONHASHSEED.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

GENERATOR_VERSION = 3  # bump when the output changes: run_bench.py regenerates cached corpora
MARKER = ".bench-manifest.json"

TEAMS = ["payments", "search", "identity", "platform", "data", "ml", "growth", "checkout", "catalog",
         "notifications", "billing", "fraud", "logistics", "media", "support", "analytics"]
NOUNS = ["orders", "ledger", "invoices", "users", "sessions", "carts", "pricing", "inventory", "shipping",
         "reviews", "images", "emails", "events", "reports", "tokens", "refunds", "feeds", "ranking",
         "profiles", "quotes", "returns", "coupons", "alerts", "exports", "imports", "webhooks", "audit"]
ROLES = ["api", "worker", "consumer", "scheduler", "gateway", "indexer", "sync", "etl", "frontend", "batch"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]
INSTANCE_TYPES = ["t3.micro", "t3.small", "t3.medium", "t3.large", "m6i.large", "m6i.xlarge", "c6i.large",
                  "c6i.2xlarge", "r6i.large", "m7g.large", "c7g.xlarge", "t4g.medium"]
DB_CLASSES = ["db.t4g.micro", "db.t4g.medium", "db.r6g.large", "db.m6g.large", "db.r6g.xlarge"]
MODULE_KINDS = ["network", "compute", "database", "storage", "loadbalancer", "observability", "queue", "cache",
                "app-stack"]
# which kinds a root module's main.tf likes to call, and the extra resource files it may have
EXTRA_FILES = ["compute", "storage", "database", "network", "iam", "monitoring", "queues", "lambda",
               "dns", "backup", "security", "cache"]

MISTAKE_RATE = 0.15
MISSPELLINGS = ["cost_center", "CostCenter", "costcenter", "cost-centre", "Cost-Center"]
BAD_ENVIRONMENTS = ["production", "Prod", "qa", "develop"]


class Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.mistakes = 0
        self.tagged = 0

    # --- small helpers -------------------------------------------------------------------

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def mistake(self) -> str | None:
        """None (correct) or the kind of mistake to make in the next tag map."""
        self.tagged += 1
        if not self.chance(MISTAKE_RATE):
            return None
        self.mistakes += 1
        return self.pick(["missing", "missing", "misspelt", "misspelt", "empty", "bad-env"])

    def cost_center_lines(self, value: str, indent: str, mistake: str | None) -> list[str]:
        if mistake == "missing":
            return []
        if mistake == "misspelt":
            return [f'{indent}{self.pick(MISSPELLINGS)} = {value}']
        if mistake == "empty":
            return [f'{indent}cost-center = ""']
        return [f"{indent}cost-center = {value}"]

    def env_lines(self, indent: str, mistake: str | None) -> list[str]:
        if mistake == "bad-env":
            return [f'{indent}environment = "{self.pick(BAD_ENVIRONMENTS)}"']
        return []

    @staticmethod
    def align(lines: list[str]) -> list[str]:
        """terraform fmt style: align the = of consecutive one-line attributes at one depth."""
        out: list[str] = []
        group: list[tuple[str, str, str]] = []

        def flush():
            if group:
                width = max(len(k) for _, k, _ in group)
                out.extend(f"{ind}{k.ljust(width)} = {v}" for ind, k, v in group)
                group.clear()

        for line in lines:
            stripped = line.lstrip()
            indent = line[: len(line) - len(stripped)]
            key, sep, value = stripped.partition(" = ")
            simple = sep and " " not in key and not value.endswith(("{", "[", "(")) and not key.startswith("#")
            if simple and (not group or group[-1][0] == indent):
                group.append((indent, key, value))
                continue
            flush()
            if simple:
                group.append((indent, key, value))
            else:
                out.append(line)
        flush()
        return out


# --- child modules ---------------------------------------------------------------------

def module_files(g: Gen, kind: str, name: str, library: dict[str, list[str]]) -> dict[str, str]:
    """main.tf, variables.tf, outputs.tf (and sometimes versions.tf) of one reusable module."""
    builder = {
        "network": _mod_network, "compute": _mod_compute, "database": _mod_database, "storage": _mod_storage,
        "loadbalancer": _mod_loadbalancer, "observability": _mod_observability, "queue": _mod_queue,
        "cache": _mod_cache, "app-stack": _mod_app_stack,
    }[kind]
    main, variables, outputs = builder(g, name, library)
    header = [f"# Module {name}: {kind} building block shared by several services.",
              "# Every resource takes var.tags (from the caller) merged with its own Name.", ""]
    files = {
        "main.tf": "\n".join(g.align(header + main)) + "\n",
        "variables.tf": "\n".join(_variables(COMMON_MODULE_VARS + variables)) + "\n",
        "outputs.tf": "\n".join(_outputs(outputs)) + "\n",
    }
    if g.chance(0.3):
        files["versions.tf"] = VERSIONS_TF
    return files


VERSIONS_TF = """terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.40, < 7.0"
    }
  }
}
"""

COMMON_MODULE_VARS = [
    ("name", "string", None, "Name prefix for every resource of this module."),
    ("environment", "string", '"dev"', "Environment the resources belong to (dev, staging, prod)."),
    ("tags", "map(string)", "{}", "Tags added to every resource; the caller passes its cost-allocation tags here."),
]


def _variables(specs) -> list[str]:
    lines: list[str] = []
    for name, type_, default, description in specs:
        lines.append(f'variable "{name}" {{')
        lines.append(f'  description = "{description}"')
        lines.append(f"  type        = {type_}")
        if default is not None:
            if "\n" in default:
                lines.append(f"  default = {default}")
            else:
                lines.append(f"  default     = {default}")
        if name == "environment":
            lines += ["", "  validation {",
                      '    condition     = contains(["dev", "test", "staging", "prod"], var.environment)',
                      '    error_message = "environment must be one of dev, test, staging, prod."', "  }"]
        lines.append("}")
        lines.append("")
    return lines


def _outputs(specs) -> list[str]:
    lines: list[str] = []
    for name, value, description in specs:
        lines += [f'output "{name}" {{', f'  description = "{description}"', f"  value       = {value}", "}", ""]
    return lines


def _res_tags(g: Gen, suffix: str, indent: str = "  ", extra: dict[str, str] | None = None,
              allow_mistake: bool = True) -> list[str]:
    """tags = merge(var.tags, {...}) in a child module; a mistake drops var.tags."""
    items = {"Name": f'"${{var.name}}-{suffix}"', **(extra or {})}
    if allow_mistake:
        g.tagged += 1
        if g.chance(MISTAKE_RATE / 3):  # child modules are reviewed more: fewer mistakes
            g.mistakes += 1
            body = [f"{indent}tags = {{"] + [f"{indent}  {k} = {v}" for k, v in items.items()] + [f"{indent}}}"]
            return body
    body = [f"{indent}tags = merge(var.tags, {{"] + [f"{indent}  {k} = {v}" for k, v in items.items()]
    return body + [f"{indent}}})"]


def _mod_network(g: Gen, name, library):
    azs = ["a", "b", "c"][: g.pick([2, 3, 3])]
    main = [
        'resource "aws_vpc" "this" {',
        "  cidr_block           = var.vpc_cidr",
        "  enable_dns_support   = true",
        "  enable_dns_hostnames = true",
        "",
        *_res_tags(g, "vpc"),
        "}",
        "",
        'resource "aws_internet_gateway" "this" {',
        "  vpc_id = aws_vpc.this.id",
        "",
        *_res_tags(g, "igw"),
        "}",
        "",
        'resource "aws_subnet" "public" {',
        "  for_each = var.public_subnets",
        "",
        "  vpc_id                  = aws_vpc.this.id",
        "  cidr_block              = each.value.cidr",
        "  availability_zone       = each.value.az",
        "  map_public_ip_on_launch = true",
        "",
        *_res_tags(g, "public-${each.key}", extra={"tier": '"public"'}),
        "}",
        "",
        'resource "aws_subnet" "private" {',
        "  for_each = var.private_subnets",
        "",
        "  vpc_id            = aws_vpc.this.id",
        "  cidr_block        = each.value.cidr",
        "  availability_zone = each.value.az",
        "",
        *_res_tags(g, "private-${each.key}", extra={"tier": '"private"'}),
        "}",
        "",
        'resource "aws_eip" "nat" {',
        "  count  = var.enable_nat_gateway ? (var.single_nat_gateway ? 1 : length(var.public_subnets)) : 0",
        '  domain = "vpc"',
        "",
        *_res_tags(g, "nat-${count.index}"),
        "}",
        "",
        'resource "aws_nat_gateway" "this" {',
        "  count = var.enable_nat_gateway ? (var.single_nat_gateway ? 1 : length(var.public_subnets)) : 0",
        "",
        "  allocation_id = aws_eip.nat[count.index].id",
        "  subnet_id     = values(aws_subnet.public)[count.index].id",
        "",
        *_res_tags(g, "nat-${count.index}", extra={"cost-center": "var.nat_cost_center"}),
        "",
        "  depends_on = [aws_internet_gateway.this]",
        "}",
        "",
        'resource "aws_route_table" "private" {',
        "  for_each = var.private_subnets",
        "  vpc_id   = aws_vpc.this.id",
        "",
        *_res_tags(g, "private-rt-${each.key}"),
        "}",
        "",
        'resource "aws_route_table_association" "private" {',
        "  for_each       = var.private_subnets",
        "  subnet_id      = aws_subnet.private[each.key].id",
        "  route_table_id = aws_route_table.private[each.key].id",
        "}",
        "",
        'resource "aws_security_group" "internal" {',
        '  name        = "${var.name}-internal"',
        '  description = "Traffic between the services of ${var.name}"',
        "  vpc_id      = aws_vpc.this.id",
        "",
        "  ingress {",
        "    from_port = 0",
        "    to_port   = 0",
        '    protocol  = "-1"',
        "    self      = true",
        "  }",
        "",
        "  egress {",
        "    from_port   = 0",
        "    to_port     = 0",
        '    protocol    = "-1"',
        '    cidr_blocks = ["0.0.0.0/0"]',
        "  }",
        "",
        *_res_tags(g, "internal"),
        "}",
        "",
        'resource "aws_flow_log" "this" {',
        "  count           = var.flow_log_group_arn == null ? 0 : 1",
        "  vpc_id          = aws_vpc.this.id",
        '  traffic_type    = "REJECT"',
        "  log_destination = var.flow_log_group_arn",
        "",
        *_res_tags(g, "flow-log"),
        "}",
    ]
    subnet_default = "{\n" + "\n".join(
        f'    {az} = {{ cidr = "10.0.{i}.0/24", az = "us-east-1{az}" }}' for i, az in enumerate(azs)) + "\n  }"
    variables = [
        ("vpc_cidr", "string", '"10.0.0.0/16"', "CIDR block of the VPC."),
        ("public_subnets", "map(object({ cidr = string, az = string }))", subnet_default, "Public subnets by key."),
        ("private_subnets", "map(object({ cidr = string, az = string }))", subnet_default, "Private subnets by key."),
        ("enable_nat_gateway", "bool", "true", "Create NAT gateways for the private subnets."),
        ("single_nat_gateway", "bool", "false", "One NAT gateway for all AZs (cheaper, less available)."),
        ("nat_cost_center", "string", "null", "Budget that pays for NAT data processing."),
        ("flow_log_group_arn", "string", "null", "CloudWatch log group for VPC flow logs, if any."),
    ]
    outputs = [
        ("vpc_id", "aws_vpc.this.id", "ID of the VPC."),
        ("private_subnet_ids", "{ for k, s in aws_subnet.private : k => s.id }", "Private subnet IDs by key."),
        ("public_subnet_ids", "[for s in aws_subnet.public : s.id]", "Public subnet IDs."),
        ("internal_security_group_id", "aws_security_group.internal.id", "Security group for internal traffic."),
    ]
    return main, variables, outputs


def _mod_compute(g: Gen, name, library):
    asg_tags_mistake = g.mistake()
    asg_static = []
    if asg_tags_mistake != "missing":
        key = "cost-center" if asg_tags_mistake != "misspelt" else g.pick(MISSPELLINGS)
        value = '""' if asg_tags_mistake == "empty" else "var.cost_center"
        asg_static = ["  tag {", f'    key                 = "{key}"', f"    value               = {value}",
                      "    propagate_at_launch = true", "  }", ""]
    main = [
        'resource "aws_launch_template" "this" {',
        '  name_prefix   = "${var.name}-"',
        "  image_id      = var.ami_id",
        "  instance_type = var.instance_type",
        "",
        "  vpc_security_group_ids = var.security_group_ids",
        "",
        "  metadata_options {",
        '    http_tokens                 = "required"',
        "    http_put_response_hop_limit = 2",
        "  }",
        "",
        "  block_device_mappings {",
        '    device_name = "/dev/xvda"',
        "",
        "    ebs {",
        "      volume_size = var.root_volume_size",
        '      volume_type = "gp3"',
        "      encrypted   = true",
        "    }",
        "  }",
        "",
        "  tag_specifications {",
        '    resource_type = "instance"',
        '    tags          = merge(var.tags, { Name = "${var.name}" })',
        "  }",
        "",
        "  tag_specifications {",
        '    resource_type = "volume"',
        "    tags          = var.tags",
        "  }",
        "",
        *_res_tags(g, "lt"),
        "}",
        "",
        'resource "aws_autoscaling_group" "this" {',
        '  name                = "${var.name}-asg"',
        "  min_size            = var.min_size",
        "  max_size            = var.max_size",
        "  desired_capacity    = var.environment == \"prod\" ? var.max_size : var.min_size",
        "  vpc_zone_identifier = var.subnet_ids",
        "  health_check_type   = var.target_group_arns == [] ? \"EC2\" : \"ELB\"",
        "  target_group_arns   = var.target_group_arns",
        "",
        "  launch_template {",
        "    id      = aws_launch_template.this.id",
        '    version = "$Latest"',
        "  }",
        "",
        "  tag {",
        '    key                 = "Name"',
        '    value               = "${var.name}"',
        "    propagate_at_launch = true",
        "  }",
        "",
        *asg_static,
        '  dynamic "tag" {',
        "    for_each = var.tags",
        "",
        "    content {",
        "      key                 = tag.key",
        "      value               = tag.value",
        "      propagate_at_launch = true",
        "    }",
        "  }",
        "",
        "  lifecycle {",
        "    ignore_changes = [desired_capacity]",
        "  }",
        "}",
        "",
        'resource "aws_instance" "bastion" {',
        "  count = var.create_bastion ? 1 : 0",
        "",
        "  ami                    = var.ami_id",
        '  instance_type          = "t3.micro"',
        "  subnet_id              = var.subnet_ids[0]",
        "  vpc_security_group_ids = var.security_group_ids",
        "",
        "  root_block_device {",
        "    volume_size = 20",
        '    volume_type = "gp3"',
        "    encrypted   = true",
        "  }",
        "",
        "  volume_tags = var.tags",
        "",
        *_res_tags(g, "bastion", extra={"role": '"bastion"'}),
        "}",
        "",
        'resource "aws_ebs_volume" "data" {',
        "  for_each = var.data_volumes",
        "",
        "  availability_zone = each.value.az",
        "  size              = each.value.size",
        '  type              = lookup(each.value, "type", "gp3")',
        "  encrypted         = true",
        "",
        *_res_tags(g, "data-${each.key}"),
        "}",
    ]
    variables = [
        ("ami_id", "string", '"ami-0abcdef1234567890"', "AMI for the instances."),
        ("instance_type", "string", f'"{g.pick(INSTANCE_TYPES)}"', "EC2 instance type."),
        ("min_size", "number", "1", "Minimum number of instances."),
        ("max_size", "number", "3", "Maximum number of instances."),
        ("subnet_ids", "list(string)", "[]", "Subnets the instances run in."),
        ("security_group_ids", "list(string)", "[]", "Security groups of the instances."),
        ("target_group_arns", "list(string)", "[]", "Load balancer target groups to register with."),
        ("root_volume_size", "number", "30", "Root volume size in GiB."),
        ("create_bastion", "bool", "false", "Also create a bastion host."),
        ("cost_center", "string", '"cc-0000"', "Budget the instances are billed to (ASG tags do not get default_tags)."),
        ("data_volumes", "map(object({ az = string, size = number }))", "{}", "Extra EBS volumes by key."),
    ]
    outputs = [
        ("asg_name", "aws_autoscaling_group.this.name", "Name of the autoscaling group."),
        ("launch_template_id", "aws_launch_template.this.id", "ID of the launch template."),
        ("bastion_id", "try(aws_instance.bastion[0].id, null)", "Bastion instance, if created."),
    ]
    return main, variables, outputs


def _mod_database(g: Gen, name, library):
    engine = g.pick(["postgres", "postgres", "mysql"])
    main = [
        'resource "aws_db_subnet_group" "this" {',
        '  name       = "${var.name}-db"',
        "  subnet_ids = var.subnet_ids",
        "",
        *_res_tags(g, "db-subnets"),
        "}",
        "",
        'resource "aws_db_parameter_group" "this" {',
        '  name   = "${var.name}-params"',
        f'  family = "{"postgres16" if engine == "postgres" else "mysql8.0"}"',
        "",
        "  parameter {",
        f'    name  = "{"log_min_duration_statement" if engine == "postgres" else "slow_query_log"}"',
        f'    value = "{"500" if engine == "postgres" else "1"}"',
        "  }",
        "",
        *_res_tags(g, "params"),
        "}",
        "",
        'resource "aws_db_instance" "this" {',
        '  identifier     = "${var.name}-db"',
        f'  engine         = "{engine}"',
        f'  engine_version = "{"16.3" if engine == "postgres" else "8.0.36"}"',
        "  instance_class = var.instance_class",
        "",
        "  allocated_storage     = var.allocated_storage",
        "  max_allocated_storage = var.allocated_storage * 4",
        '  storage_type          = "gp3"',
        "  storage_encrypted     = true",
        "",
        "  db_subnet_group_name   = aws_db_subnet_group.this.name",
        "  parameter_group_name   = aws_db_parameter_group.this.name",
        "  vpc_security_group_ids = var.security_group_ids",
        "",
        '  multi_az                = var.environment == "prod"',
        '  backup_retention_period = var.environment == "prod" ? 14 : 1',
        '  deletion_protection     = var.environment == "prod"',
        '  skip_final_snapshot     = var.environment != "prod"',
        "  username                = var.username",
        "  manage_master_user_password = true",
        "",
        *_res_tags(g, "db", extra={"backup": 'var.environment == "prod" ? "daily" : "none"'}),
        "}",
        "",
        'resource "aws_db_instance" "replica" {',
        "  count = var.read_replicas",
        "",
        '  identifier          = "${var.name}-db-replica-${count.index}"',
        "  replicate_source_db = aws_db_instance.this.identifier",
        "  instance_class      = var.replica_instance_class == null ? var.instance_class : var.replica_instance_class",
        "  storage_encrypted   = true",
        "  skip_final_snapshot = true",
        "",
        *_res_tags(g, "db-replica-${count.index}", extra={"role": '"read-replica"'}),
        "}",
    ]
    variables = [
        ("instance_class", "string", f'"{g.pick(DB_CLASSES)}"', "RDS instance class."),
        ("replica_instance_class", "string", "null", "Instance class of read replicas (default: the primary's)."),
        ("read_replicas", "number", "0", "Number of read replicas."),
        ("allocated_storage", "number", "50", "Storage in GiB."),
        ("username", "string", '"app"', "Master user name."),
        ("subnet_ids", "list(string)", "[]", "Subnets of the DB subnet group."),
        ("security_group_ids", "list(string)", "[]", "Security groups of the database."),
    ]
    outputs = [
        ("endpoint", "aws_db_instance.this.endpoint", "Connection endpoint."),
        ("replica_endpoints", "aws_db_instance.replica[*].endpoint", "Read replica endpoints."),
    ]
    return main, variables, outputs


def _mod_storage(g: Gen, name, library):
    main = [
        "terraform {",
        "  required_providers {",
        "    aws = {",
        '      source                = "hashicorp/aws"',
        "      configuration_aliases = [aws.replica]",
        "    }",
        "  }",
        "}",
        "",
        'resource "aws_s3_bucket" "this" {',
        "  bucket        = var.bucket_name",
        '  force_destroy = var.environment != "prod"',
        "",
        *_res_tags(g, "bucket", extra={"data-classification": "var.classification"}),
        "}",
        "",
        'resource "aws_s3_bucket_versioning" "this" {',
        "  bucket = aws_s3_bucket.this.id",
        "",
        "  versioning_configuration {",
        '    status = var.versioning ? "Enabled" : "Suspended"',
        "  }",
        "}",
        "",
        'resource "aws_s3_bucket_public_access_block" "this" {',
        "  bucket                  = aws_s3_bucket.this.id",
        "  block_public_acls       = true",
        "  block_public_policy     = true",
        "  ignore_public_acls      = true",
        "  restrict_public_buckets = true",
        "}",
        "",
        'resource "aws_s3_bucket_lifecycle_configuration" "this" {',
        "  count  = var.archive_after_days == null ? 0 : 1",
        "  bucket = aws_s3_bucket.this.id",
        "",
        "  rule {",
        '    id     = "archive"',
        '    status = "Enabled"',
        "",
        "    filter {}",
        "",
        "    transition {",
        "      days          = var.archive_after_days",
        '      storage_class = "GLACIER_IR"',
        "    }",
        "  }",
        "}",
        "",
        'resource "aws_kms_key" "this" {',
        "  count                   = var.create_kms_key ? 1 : 0",
        '  description             = "Key for ${var.bucket_name}"',
        "  deletion_window_in_days = 30",
        "  enable_key_rotation     = true",
        "",
        *_res_tags(g, "kms"),
        "}",
        "",
        'resource "aws_s3_bucket" "replica" {',
        "  count    = var.replicate ? 1 : 0",
        "  provider = aws.replica",
        '  bucket   = "${var.bucket_name}-replica"',
        "",
        *_res_tags(g, "replica", extra={"replica-of": "var.bucket_name"}),
        "}",
    ]
    variables = [
        ("bucket_name", "string", None, "Name of the bucket."),
        ("versioning", "bool", "true", "Keep object versions."),
        ("archive_after_days", "number", "null", "Move objects to Glacier IR after this many days."),
        ("classification", "string", '"internal"', "Data classification tag."),
        ("create_kms_key", "bool", "false", "Encrypt with a dedicated KMS key."),
        ("replicate", "bool", "false", "Keep a copy in the replica region (provider aws.replica)."),
    ]
    outputs = [
        ("bucket_id", "aws_s3_bucket.this.id", "Bucket name."),
        ("bucket_arn", "aws_s3_bucket.this.arn", "Bucket ARN."),
    ]
    return main, variables, outputs


def _mod_loadbalancer(g: Gen, name, library):
    main = [
        'resource "aws_security_group" "lb" {',
        '  name        = "${var.name}-lb"',
        '  description = "Load balancer of ${var.name}"',
        "  vpc_id      = var.vpc_id",
        "",
        '  dynamic "ingress" {',
        "    for_each = toset(var.listener_ports)",
        "",
        "    content {",
        "      from_port   = ingress.value",
        "      to_port     = ingress.value",
        '      protocol    = "tcp"',
        "      cidr_blocks = var.internal ? [\"10.0.0.0/8\"] : [\"0.0.0.0/0\"]",
        "    }",
        "  }",
        "",
        *_res_tags(g, "lb-sg"),
        "}",
        "",
        'resource "aws_lb" "this" {',
        '  name               = substr("${var.name}-lb", 0, 32)',
        "  internal           = var.internal",
        '  load_balancer_type = "application"',
        "  security_groups    = [aws_security_group.lb.id]",
        "  subnets            = var.subnet_ids",
        "",
        '  enable_deletion_protection = var.environment == "prod"',
        "",
        "  access_logs {",
        "    bucket  = var.access_log_bucket",
        "    enabled = var.access_log_bucket != null",
        "  }",
        "",
        *_res_tags(g, "lb"),
        "}",
        "",
        'resource "aws_lb_target_group" "this" {',
        "  for_each = var.target_groups",
        "",
        '  name        = substr("${var.name}-${each.key}", 0, 32)',
        "  port        = each.value.port",
        '  protocol    = "HTTP"',
        "  vpc_id      = var.vpc_id",
        '  target_type = lookup(each.value, "target_type", "instance")',
        "",
        "  health_check {",
        '    path                = lookup(each.value, "health_path", "/healthz")',
        "    healthy_threshold   = 2",
        "    unhealthy_threshold = 3",
        "  }",
        "",
        *_res_tags(g, "tg-${each.key}"),
        "}",
        "",
        'resource "aws_lb_listener" "https" {',
        "  load_balancer_arn = aws_lb.this.arn",
        "  port              = 443",
        '  protocol          = "HTTPS"',
        "  certificate_arn   = var.certificate_arn",
        '  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"',
        "",
        "  default_action {",
        '    type             = "forward"',
        "    target_group_arn = values(aws_lb_target_group.this)[0].arn",
        "  }",
        "",
        *_res_tags(g, "https"),
        "}",
    ]
    variables = [
        ("vpc_id", "string", None, "VPC of the load balancer."),
        ("subnet_ids", "list(string)", "[]", "Subnets of the load balancer."),
        ("internal", "bool", "false", "Internal (not internet-facing)."),
        ("listener_ports", "list(number)", "[443]", "Ports opened on the security group."),
        ("certificate_arn", "string", "null", "ACM certificate for HTTPS."),
        ("access_log_bucket", "string", "null", "Bucket for access logs."),
        ("target_groups", "map(any)", '{\n    default = { port = 8080 }\n  }', "Target groups by key."),
    ]
    outputs = [
        ("dns_name", "aws_lb.this.dns_name", "DNS name of the load balancer."),
        ("target_group_arns", "[for tg in aws_lb_target_group.this : tg.arn]", "Target group ARNs."),
    ]
    return main, variables, outputs


def _mod_observability(g: Gen, name, library):
    main = [
        'resource "aws_cloudwatch_log_group" "this" {',
        "  for_each = toset(var.log_groups)",
        "",
        '  name              = "/${var.name}/${each.value}"',
        '  retention_in_days = var.environment == "prod" ? 90 : 14',
        "",
        *_res_tags(g, "logs-${each.value}"),
        "}",
        "",
        'resource "aws_sns_topic" "alarms" {',
        '  name = "${var.name}-alarms"',
        "",
        *_res_tags(g, "alarms"),
        "}",
        "",
        'resource "aws_sns_topic_subscription" "email" {',
        "  count     = var.alarm_email == null ? 0 : 1",
        "  topic_arn = aws_sns_topic.alarms.arn",
        '  protocol  = "email"',
        "  endpoint  = var.alarm_email",
        "}",
        "",
        'resource "aws_cloudwatch_metric_alarm" "errors" {',
        '  alarm_name          = "${var.name}-5xx"',
        '  comparison_operator = "GreaterThanThreshold"',
        "  evaluation_periods  = 3",
        '  metric_name         = "HTTPCode_Target_5XX_Count"',
        '  namespace           = "AWS/ApplicationELB"',
        "  period              = 60",
        '  statistic           = "Sum"',
        "  threshold           = var.error_threshold",
        "  alarm_actions       = [aws_sns_topic.alarms.arn]",
        "",
        *_res_tags(g, "5xx"),
        "}",
        "",
        'resource "aws_cloudwatch_dashboard" "this" {',
        '  dashboard_name = "${var.name}"',
        "  dashboard_body = jsonencode({",
        "    widgets = [for i, g in var.log_groups : {",
        '      type   = "log"',
        "      x      = 0",
        "      y      = i * 6",
        "      width  = 24",
        "      height = 6",
        '      properties = { query = "SOURCE \'/${var.name}/${g}\' | stats count(*) by bin(5m)", title = g }',
        "    }]",
        "  })",
        "}",
    ]
    variables = [
        ("log_groups", "list(string)", '["app", "access"]', "Log groups to create under /NAME/."),
        ("alarm_email", "string", "null", "Where alarm notifications go."),
        ("error_threshold", "number", "10", "5xx responses per minute that raise the alarm."),
    ]
    outputs = [
        ("log_group_names", "[for lg in aws_cloudwatch_log_group.this : lg.name]", "Log group names."),
        ("alarm_topic_arn", "aws_sns_topic.alarms.arn", "SNS topic of the alarms."),
    ]
    return main, variables, outputs


def _mod_queue(g: Gen, name, library):
    main = [
        'resource "aws_sqs_queue" "dlq" {',
        '  name                      = "${var.name}-dlq"',
        "  message_retention_seconds = 1209600",
        "",
        *_res_tags(g, "dlq"),
        "}",
        "",
        'resource "aws_sqs_queue" "this" {',
        '  name                       = "${var.name}"',
        "  visibility_timeout_seconds = var.visibility_timeout",
        "  message_retention_seconds  = 345600",
        "",
        "  redrive_policy = jsonencode({",
        "    deadLetterTargetArn = aws_sqs_queue.dlq.arn",
        "    maxReceiveCount     = var.max_receive_count",
        "  })",
        "",
        *_res_tags(g, "queue"),
        "}",
        "",
        'resource "aws_iam_role" "consumer" {',
        '  name = "${var.name}-consumer"',
        "",
        "  assume_role_policy = jsonencode({",
        '    Version = "2012-10-17"',
        "    Statement = [{",
        '      Effect    = "Allow"',
        '      Action    = "sts:AssumeRole"',
        '      Principal = { Service = "lambda.amazonaws.com" }',
        "    }]",
        "  })",
        "",
        *_res_tags(g, "consumer-role"),
        "}",
        "",
        'resource "aws_lambda_function" "consumer" {',
        "  count = var.consumer_image == null ? 0 : 1",
        "",
        '  function_name = "${var.name}-consumer"',
        "  role          = aws_iam_role.consumer.arn",
        '  package_type  = "Image"',
        "  image_uri     = var.consumer_image",
        "  memory_size   = var.memory_size",
        "  timeout       = var.visibility_timeout - 5",
        "",
        "  environment {",
        "    variables = {",
        "      QUEUE_URL = aws_sqs_queue.this.url",
        "      LOG_LEVEL = var.environment == \"prod\" ? \"info\" : \"debug\"",
        "    }",
        "  }",
        "",
        *_res_tags(g, "consumer"),
        "}",
        "",
        'resource "aws_lambda_event_source_mapping" "consumer" {',
        "  count            = var.consumer_image == null ? 0 : 1",
        "  event_source_arn = aws_sqs_queue.this.arn",
        "  function_name    = aws_lambda_function.consumer[0].arn",
        "  batch_size       = 10",
        "}",
    ]
    variables = [
        ("visibility_timeout", "number", "60", "Visibility timeout in seconds."),
        ("max_receive_count", "number", "5", "Receives before a message goes to the DLQ."),
        ("consumer_image", "string", "null", "Container image of the consumer Lambda, if any."),
        ("memory_size", "number", "512", "Memory of the consumer Lambda in MB."),
    ]
    outputs = [
        ("queue_url", "aws_sqs_queue.this.url", "URL of the queue."),
        ("queue_arn", "aws_sqs_queue.this.arn", "ARN of the queue."),
    ]
    return main, variables, outputs


def _mod_cache(g: Gen, name, library):
    main = [
        'resource "aws_elasticache_subnet_group" "this" {',
        '  name       = "${var.name}-cache"',
        "  subnet_ids = var.subnet_ids",
        "",
        *_res_tags(g, "cache-subnets"),
        "}",
        "",
        'resource "aws_elasticache_replication_group" "this" {',
        '  replication_group_id       = substr("${var.name}-cache", 0, 40)',
        '  description                = "Cache of ${var.name}"',
        '  engine                     = "redis"',
        '  engine_version             = "7.1"',
        "  node_type                  = var.node_type",
        "  num_cache_clusters         = var.environment == \"prod\" ? 2 : 1",
        '  automatic_failover_enabled = var.environment == "prod"',
        "  subnet_group_name          = aws_elasticache_subnet_group.this.name",
        "  security_group_ids         = var.security_group_ids",
        "  at_rest_encryption_enabled = true",
        "  transit_encryption_enabled = true",
        "",
        *_res_tags(g, "cache"),
        "}",
    ]
    variables = [
        ("node_type", "string", '"cache.t4g.small"', "ElastiCache node type."),
        ("subnet_ids", "list(string)", "[]", "Subnets of the cache."),
        ("security_group_ids", "list(string)", "[]", "Security groups of the cache."),
    ]
    outputs = [("primary_endpoint", "aws_elasticache_replication_group.this.primary_endpoint_address",
                "Primary endpoint.")]
    return main, variables, outputs


def _mod_app_stack(g: Gen, name, library):
    """A composite module that calls two sibling modules (module-in-module)."""
    compute = pick_module(g, library, "compute")
    obs = pick_module(g, library, "observability")
    main = [
        'module "compute" {',
        f'  source = "../{compute}"',
        "",
        '  name               = var.name',
        "  environment        = var.environment",
        "  instance_type      = var.instance_type",
        "  subnet_ids         = var.subnet_ids",
        "  security_group_ids = var.security_group_ids",
        "  cost_center        = var.cost_center",
        "",
        '  tags = merge(var.tags, { component = "compute" })',
        "}",
        "",
        'module "observability" {',
        f'  source = "../{obs}"',
        "",
        "  name        = var.name",
        "  environment = var.environment",
        '  log_groups  = ["app", "access", "audit"]',
        "",
        '  tags = merge(var.tags, { component = "observability" })',
        "}",
        "",
        'resource "aws_ssm_parameter" "config" {',
        '  name  = "/${var.name}/config"',
        '  type  = "String"',
        "  value = jsonencode({ asg = module.compute.asg_name, logs = module.observability.log_group_names })",
        "",
        *_res_tags(g, "config"),
        "}",
    ]
    variables = [
        ("instance_type", "string", '"t3.medium"', "EC2 instance type."),
        ("subnet_ids", "list(string)", "[]", "Subnets."),
        ("security_group_ids", "list(string)", "[]", "Security groups."),
        ("cost_center", "string", '"cc-0000"', "Budget of the stack."),
    ]
    outputs = [("asg_name", "module.compute.asg_name", "Autoscaling group of the stack.")]
    return main, variables, outputs


# --- root modules ----------------------------------------------------------------------

class Root:
    def __init__(self, g: Gen, path: str, service: str, team: str, environment: str, extra: list[str],
                 library: dict[str, list[str]], depth: int):
        self.g, self.path, self.service, self.team, self.env = g, path, service, team, environment
        self.extra, self.library = extra, library
        self.up = "../" * depth
        self.cost_center = f"cc-{g.rng.randrange(1000, 9999)}"
        self.feature = f"{service.split('-')[0]}"

    # tags = merge(local.service_tags, {...}) with maybe a mistake
    def tags(self, component: str, indent: str = "  ", cost: str = "local.cost_center",
             extra: dict[str, str] | None = None) -> list[str]:
        g = self.g
        mistake = g.mistake()
        lines = [f"{indent}tags = merge(local.service_tags, {{", f'{indent}  component = "{component}"']
        lines += [f"{indent}  {k} = {v}" for k, v in (extra or {}).items()]
        lines += g.cost_center_lines(cost, indent + "  ", mistake)
        lines += g.env_lines(indent + "  ", mistake)
        return lines + [f"{indent}}})"]

    def files(self) -> dict[str, str]:
        g = self.g
        out = {
            "providers.tf": self.providers(),
            "variables.tf": self.variables(),
            "locals.tf": self.locals(),
            "terraform.tfvars": self.tfvars(),
            "main.tf": self.main(),
        }
        for n, name in enumerate(self.extra):
            kind = name.split("_")[0]
            out[f"{name}.tf"] = "\n".join(g.align(extra_file(self, kind, 100 * n))) + "\n"
        return out

    def providers(self) -> str:
        g = self.g
        lines = [
            "terraform {",
            '  required_version = ">= 1.6.0"',
            "",
            "  required_providers {",
            "    aws = {",
            '      source  = "hashicorp/aws"',
            '      version = "~> 5.60"',
            "    }",
            "  }",
            "",
            '  backend "s3" {',
            '    bucket         = "acme-terraform-state"',
            f'    key            = "{self.path}/terraform.tfstate"',
            '    region         = "us-east-1"',
            '    dynamodb_table = "terraform-locks"',
            "    encrypt        = true",
            "  }",
            "}",
            "",
            "# Everything created through the default provider gets local.common_tags (team,",
            "# environment, project …) as default_tags; cost-center is set per resource.",
            'provider "aws" {',
            "  region = var.region",
            "",
            "  default_tags {",
            "    tags = local.common_tags",
            "  }",
        ]
        if g.chance(0.3):
            lines += ["", "  ignore_tags {", '    key_prefixes = ["kubernetes.io/"]', "  }"]
        lines += [
            "}",
            "",
            "# Replica region: backups and bucket replication.",
            'provider "aws" {',
            '  alias  = "replica"',
            "  region = var.replica_region",
        ]
        if g.chance(0.6):  # the others forget default_tags on the aliased provider
            lines += ["", "  default_tags {", "    tags = local.common_tags", "  }"]
        lines += ["}", ""]
        return "\n".join(lines) + "\n"

    def variables(self) -> str:
        g = self.g
        specs = [
            ("region", "string", '"us-east-1"', "Primary AWS region."),
            ("replica_region", "string", '"us-west-2"', "Region for backups and replicas."),
            ("environment", "string", None, "Environment name (dev, staging, prod)."),
            ("project", "string", '"acme"', "Project name, used in resource names."),
            ("service", "string", f'"{self.service}"', "Service this stack belongs to."),
            ("team", "string", None, "Owning team (the team tag)."),
            ("default_cost_center", "string", '"cc-0000"', "Budget used when cost_centers has no entry."),
            ("cost_centers", "map(string)", "{}", "Budget per service/component."),
            ("extra_tags", "map(string)", "{}", "Extra default tags."),
            ("instance_types", "map(string)",
             '{\n    dev     = "t3.small"\n    staging = "t3.medium"\n    prod    = "m6i.large"\n  }',
             "Instance type per environment."),
            ("worker_count", "number", "2", "Number of worker instances."),
            ("enable_nat_gateway", "bool", "true", "Create NAT gateways."),
            ("db_instance_class", "string", f'"{g.pick(DB_CLASSES)}"', "RDS instance class."),
            ("log_retention_days", "number", "30", "CloudWatch log retention."),
            ("alarm_email", "string", "null", "Where alarms go."),
            ("subnet_ids", "list(string)", '["subnet-0a1", "subnet-0b2", "subnet-0c3"]', "Existing subnets."),
            ("vpc_id", "string", '"vpc-0123456789abcdef0"', "Existing VPC (when not created here)."),
            ("buckets", "map(object({ versioning = bool, archive_after_days = number }))",
             '{\n    raw = { versioning = true, archive_after_days = 90 }\n'
             '    curated = { versioning = true, archive_after_days = null }\n  }', "Buckets by purpose."),
        ]
        n_extra = g.rng.randrange(6, 24)
        for i in range(n_extra):
            noun = g.pick(NOUNS)
            specs.append((f"{noun}_{g.pick(['enabled', 'timeout', 'size', 'limit'])}_{i}",
                          g.pick(["bool", "number", "string"]), None, f"Setting for {noun}."))
        fixed = []
        for name, type_, default, desc in specs:
            if default is None and name not in ("environment", "team"):
                default = {"bool": "false", "number": str(g.rng.randrange(1, 300)), "string": f'"{name}"'}[type_]
            fixed.append((name, type_, default, desc))
        return "\n".join(_variables(fixed)) + "\n"

    def tfvars(self) -> str:
        g = self.g
        ccs = {c: f'"cc-{g.rng.randrange(1000, 9999)}"' for c in ["database", "storage", "compute", "network"]}
        ccs[self.service] = f'"{self.cost_center}"'
        lines = [f'environment = "{self.env}"', f'team        = "{self.team}"',
                 f'region      = "{g.pick(REGIONS)}"', "", "cost_centers = {"]
        width = max(len(k) for k in ccs) + 2
        lines += [f'  {json.dumps(k).ljust(width)} = {v}' for k, v in ccs.items()]
        lines += ["}", "", "extra_tags = {", f'  owner-email = "{self.team}@acme.example"',
                  f'  service     = "{self.service}"', "}", "",
                  f"worker_count = {g.rng.randrange(1, 6)}"]
        return "\n".join(lines) + "\n"

    def locals(self) -> str:
        g = self.g
        lines = [
            "locals {",
            '  name_prefix = "${var.project}-${var.service}-${var.environment}"',
            '  is_prod     = var.environment == "prod"',
            "",
            "  # default_tags of both providers",
            "  common_tags = merge(",
            "    {",
        ]
        mistake = None
        if g.chance(0.05):  # a whole root with a near-miss default tag
            mistake = "Team"
            g.mistakes += 1
        lines += [
            f"      {mistake or 'team'} = var.team",
            "      environment = var.environment",
            "      project     = var.project",
            '      managed-by  = "terraform"',
            f'      repository  = "github.com/acme/infra//{self.path}"',
            "    },",
            "    var.extra_tags,",
            "  )",
            "",
            "  cost_center = lookup(var.cost_centers, var.service, var.default_cost_center)",
            "",
            "  service_tags = merge(local.common_tags, {",
            f'    feature = "{self.feature}"',
            "  })",
            "",
            "  data_tags = merge(local.service_tags, {",
            '    data-classification = local.is_prod ? "confidential" : "internal"',
            '    backup              = local.is_prod ? "daily" : "none"',
            "  })",
            "",
            "  instance_type = lookup(var.instance_types, var.environment, \"t3.micro\")",
            '  azs           = ["${var.region}a", "${var.region}b", "${var.region}c"]',
            "",
            "  private_subnets = {",
            '    a = { cidr = "10.20.1.0/24", az = local.azs[0] }',
            '    b = { cidr = "10.20.2.0/24", az = local.azs[1] }',
            "  }",
            "",
            "  # per-component tag maps and names, used by the resource files",
            f"  components = {json.dumps(g.rng.sample(ROLES, g.rng.randrange(3, 8)))}",
            "",
            "  component_tags = {",
            "    for c in local.components : c => merge(local.service_tags, {",
            "      component   = c",
            "      cost-center = local.cost_center",
            "    })",
            "  }",
            "",
            '  names = { for c in local.components : c => "${local.name_prefix}-${c}" }',
            "",
            "  alarm_thresholds = {",
            "    cpu_high    = local.is_prod ? 70 : 90",
            "    cpu_crit    = 95",
            "    memory_high = local.is_prod ? 80 : 95",
            "    latency_p99 = local.is_prod ? 500 : 2000",
            "    errors_5xx  = local.is_prod ? 5 : 50",
            "  }",
            "",
            "  features = {",
        ]
        for noun in g.rng.sample(NOUNS, g.rng.randrange(3, 9)):
            lines.append(f'    {noun} = {g.pick(["true", "false", "local.is_prod", "!local.is_prod"])}')
        lines += [
            "  }",
            "",
            "  enabled_features = [for name, on in local.features : name if on]",
            "}",
        ]
        return "\n".join(g.align(lines)) + "\n"

    def main(self) -> str:
        g = self.g
        lines = ["# Module calls of this stack. Child modules get the cost-allocation tags through",
                 "# var.tags; their own resources merge in a Name.", ""]
        kinds = ["network"] if self.path.startswith("envs/") or g.chance(0.4) else []
        kinds += g.rng.sample(["compute", "database", "storage", "loadbalancer", "observability", "queue", "cache",
                               "app-stack"], g.rng.randrange(3, 7))
        for kind in kinds:
            lines += self.module_call(kind) + [""]
        if g.chance(0.1):
            lines += [
                'module "vpc_endpoints" {',
                '  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"',
                '  version = "~> 5.8"',
                "",
                "  vpc_id = var.vpc_id",
                "  endpoints = {",
                '    s3 = { service = "s3", service_type = "Gateway" }',
                "  }",
                "",
                *self.tags("endpoints"),
                "}",
                "",
            ]
        return "\n".join(g.align(lines)) + "\n"

    def module_call(self, kind: str) -> list[str]:
        g = self.g
        source = f"{self.up}modules/{pick_module(g, self.library, kind)}"
        label = kind.replace("-", "_")
        head = [f'module "{label}" {{', f'  source = "{source}"']
        body: list[str] = []
        if kind == "network":
            body = ['  name               = local.name_prefix', "  environment        = var.environment",
                    '  vpc_cidr           = "10.20.0.0/16"', "  private_subnets    = local.private_subnets",
                    "  public_subnets     = local.private_subnets",
                    "  enable_nat_gateway = var.enable_nat_gateway",
                    "  single_nat_gateway = !local.is_prod",
                    "  nat_cost_center    = lookup(var.cost_centers, \"network\", var.default_cost_center)"]
        elif kind == "compute":
            body = ['  name          = "${local.name_prefix}-app"', "  environment   = var.environment",
                    "  instance_type = local.instance_type", "  min_size      = local.is_prod ? 2 : 1",
                    "  max_size      = local.is_prod ? 6 : 2", "  subnet_ids    = var.subnet_ids",
                    "  cost_center   = local.cost_center", "  create_bastion = !local.is_prod",
                    '  data_volumes = {', '    cache = { az = local.azs[0], size = 100 }', "  }"]
        elif kind == "database":
            body = ['  name              = "${local.name_prefix}"', "  environment       = var.environment",
                    "  instance_class    = local.is_prod ? var.db_instance_class : \"db.t4g.medium\"",
                    "  read_replicas     = local.is_prod ? 1 : 0", "  subnet_ids        = var.subnet_ids",
                    "  allocated_storage = local.is_prod ? 200 : 20"]
        elif kind == "storage":
            head = ['module "bucket" {', f'  source   = "{source}"', "  for_each = var.buckets", "",
                    "  providers = {", "    aws         = aws", "    aws.replica = aws.replica", "  }"]
            body = ['  name               = "${local.name_prefix}-${each.key}"',
                    '  bucket_name        = "${local.name_prefix}-${each.key}"',
                    "  environment        = var.environment", "  versioning         = each.value.versioning",
                    "  archive_after_days = each.value.archive_after_days", "  replicate          = local.is_prod"]
            lines = head + [""] + body + [""] + self.tags("bucket-${each.key}", extra={"bucket-purpose": "each.key"})
            return lines + ["}"]
        elif kind == "loadbalancer":
            body = ['  name        = local.name_prefix', "  environment = var.environment",
                    "  vpc_id      = var.vpc_id", "  subnet_ids  = var.subnet_ids",
                    '  internal    = !contains(["api", "gateway", "frontend"], var.service)',
                    '  target_groups = {', '    app = { port = 8080, health_path = "/health" }', "  }"]
        elif kind == "observability":
            body = ['  name        = local.name_prefix', "  environment = var.environment",
                    '  log_groups  = ["app", "access"]', "  alarm_email = var.alarm_email"]
        elif kind == "queue":
            head = ['module "queue" {', f'  source   = "{source}"',
                    '  for_each = toset(["ingest", "retry"])']
            body = ['  name               = "${local.name_prefix}-${each.key}"', "  environment        = var.environment",
                    "  visibility_timeout = each.key == \"retry\" ? 300 : 60"]
            return head + [""] + body + [""] + self.tags("queue-${each.key}") + ["}"]
        elif kind == "cache":
            head = ['module "cache" {', f'  source = "{source}"',
                    "  count  = local.is_prod || var.environment == \"staging\" ? 1 : 0"]
            body = ['  name        = local.name_prefix', "  environment = var.environment",
                    "  subnet_ids  = var.subnet_ids"]
        elif kind == "app-stack":
            body = ['  name          = "${local.name_prefix}-stack"', "  environment   = var.environment",
                    "  instance_type = local.instance_type", "  subnet_ids    = var.subnet_ids",
                    "  cost_center   = local.cost_center"]
        return head + [""] + body + [""] + self.tags(kind) + ["}"]


_USES: dict[str, int] = {}


def pick_module(g: Gen, library: dict[str, list[str]], kind: str) -> str:
    """The least-called module of a kind (ties broken at random), so that every module has callers."""
    least = min(_USES.get(m, 0) for m in library[kind])
    name = g.pick([m for m in library[kind] if _USES.get(m, 0) == least])
    _USES[name] = _USES.get(name, 0) + 1
    return name


# extra resource files of a root module --------------------------------------------------
#
# Each builder returns one *unit* (a small group of related resources) for index i; a file
# is units 0, 1, 2 … until it reaches the length drawn for it, so names stay unique.

def _x_compute(r: Root, i: int) -> list[str]:
    g = r.g
    lines = []
    ami = f"al2023_{i // 100}"
    if i % 100 == 0:
        lines += [f'data "aws_ami" "{ami}" {{', "  most_recent = true", '  owners      = ["amazon"]', "",
                  "  filter {", '    name   = "name"', '    values = ["al2023-ami-*-x86_64"]', "  }", "}", ""]
    role = g.pick(ROLES)
    name = f"{role}_{i}"
    style = g.pick(["count", "single", "for_each"])
    head = [f"# {role} instances ({style})", f'resource "aws_instance" "{name}" {{']
    if style == "count":
        head.append("  count = var.worker_count")
    elif style == "for_each":
        head.append('  for_each = toset(["blue", "green"])')
    suffix = {"count": "-${count.index}", "for_each": "-${each.key}", "single": ""}[style]
    itype = g.pick(['local.instance_type', f'"{g.pick(INSTANCE_TYPES)}"',
                    'local.is_prod ? "m6i.xlarge" : "t3.medium"'])
    lines += head + [
        "",
        f"  ami                    = data.aws_ami.{ami}.id",
        f"  instance_type          = {itype}",
        "  subnet_id              = element(var.subnet_ids, " + ("count.index" if style == "count" else "0") + ")",
        "  monitoring             = local.is_prod",
        f"  iam_instance_profile   = \"${{local.name_prefix}}-{role}\"",
        "",
        "  metadata_options {",
        '    http_tokens = "required"',
        "  }",
        "",
        "  root_block_device {",
        f"    volume_size = {g.pick([20, 30, 50, 100])}",
        '    volume_type = "gp3"',
        "    encrypted   = true",
        "  }",
        "",
        *r.tags(role, extra={"Name": f'"${{local.name_prefix}}-{role}{suffix}"'}),
        "}",
        "",
    ]
    if g.chance(0.6):
        lines += [
            f'resource "aws_ebs_volume" "{name}_data" {{',
            "  availability_zone = local.azs[0]",
            f"  size              = {g.pick([50, 100, 200, 500])}",
            f'  type              = "{g.pick(["gp3", "gp3", "gp2", "io2"])}"',
            "  encrypted         = true",
            "",
            *r.tags(f"{role}-data"),
            "}",
            "",
        ]
    if g.chance(0.4):
        lines += [
            f'resource "aws_autoscaling_group" "{name}" {{',
            f'  name_prefix         = "${{local.name_prefix}}-{role}-"',
            "  min_size            = 0",
            "  max_size            = var.worker_count * 2",
            "  vpc_zone_identifier = var.subnet_ids",
            "",
            "  launch_template {",
            f'    name    = "${{local.name_prefix}}-{role}"',
            '    version = "$Latest"',
            "  }",
            "",
        ]
        mistake = g.mistake()
        asg_tags = {"team": "var.team", "environment": "var.environment", "cost-center": "local.cost_center",
                    "Name": f'"${{local.name_prefix}}-{role}"'}
        if mistake == "missing":
            del asg_tags["cost-center"]
        elif mistake == "misspelt":
            asg_tags[g.pick(MISSPELLINGS)] = asg_tags.pop("cost-center")
        elif mistake == "empty":
            asg_tags["cost-center"] = '""'
        elif mistake == "bad-env":
            asg_tags["environment"] = f'"{g.pick(BAD_ENVIRONMENTS)}"'
        for k, v in asg_tags.items():
            lines += ["  tag {", f'    key                 = "{k}"', f"    value               = {v}",
                      "    propagate_at_launch = true", "  }", ""]
        lines[-1:] = ["}", ""]
    return lines


def _x_storage(r: Root, i: int) -> list[str]:
    g = r.g
    noun = g.pick(NOUNS)
    name = f"{noun}_{i}"
    lines = [
        f"# {noun}: bucket, encryption, versioning and public access block",
        f'resource "aws_s3_bucket" "{name}" {{',
        f'  bucket = "${{local.name_prefix}}-{noun}-{i}"',
        "",
        *r.tags(f"{noun}-bucket", extra={"data-classification": '"internal"'}),
        "}",
        "",
        f'resource "aws_s3_bucket_server_side_encryption_configuration" "{name}" {{',
        f"  bucket = aws_s3_bucket.{name}.id",
        "",
        "  rule {",
        "    apply_server_side_encryption_by_default {",
        '      sse_algorithm = "aws:kms"',
        "    }",
        "    bucket_key_enabled = true",
        "  }",
        "}",
        "",
        f'resource "aws_s3_bucket_versioning" "{name}" {{',
        f"  bucket = aws_s3_bucket.{name}.id",
        "",
        "  versioning_configuration {",
        '    status = local.is_prod ? "Enabled" : "Suspended"',
        "  }",
        "}",
        "",
        f'resource "aws_s3_bucket_public_access_block" "{name}" {{',
        f"  bucket                  = aws_s3_bucket.{name}.id",
        "  block_public_acls       = true",
        "  block_public_policy     = true",
        "  ignore_public_acls      = true",
        "  restrict_public_buckets = true",
        "}",
        "",
    ]
    if i % 3 == 1:
        lines += [
            f'resource "aws_s3_bucket" "logs_{i}" {{',
            f'  bucket = "${{local.name_prefix}}-logs-{i}"',
            "",
            "  tags = merge(local.data_tags, {",
            '    component   = "logs"',
            "    cost-center = lookup(var.cost_centers, \"storage\", var.default_cost_center)",
            "  })",
            "}",
            "",
        ]
    if i % 3 == 2:
        lines += [
            f'resource "aws_s3_bucket" "backup_{i}" {{',
            "  count    = local.is_prod ? 1 : 0",
            "  provider = aws.replica",
            f'  bucket   = "${{local.name_prefix}}-backup-{i}"',
            "",
            *r.tags("backup"),
            "}",
            "",
        ]
    return lines


def _x_database(r: Root, i: int) -> list[str]:
    g = r.g
    engine = g.pick(["postgres", "mysql", "mariadb"])
    name = f"main_{i}" if i else "main"
    lines = [
        f'resource "aws_db_subnet_group" "{name}" {{',
        f'  name       = "${{local.name_prefix}}-{name}"',
        "  subnet_ids = var.subnet_ids",
        "",
        *r.tags("db-subnets"),
        "}",
        "",
        f'resource "aws_db_instance" "{name}" {{',
        f'  identifier              = "${{local.name_prefix}}-{name}"',
        f'  engine                  = "{engine}"',
        "  instance_class          = local.is_prod ? var.db_instance_class : \"db.t4g.micro\"",
        "  allocated_storage       = local.is_prod ? 500 : 20",
        '  storage_type            = "gp3"',
        "  storage_encrypted       = true",
        f"  db_subnet_group_name    = aws_db_subnet_group.{name}.name",
        "  multi_az                = local.is_prod",
        "  backup_retention_period = local.is_prod ? 30 : 1",
        "  skip_final_snapshot     = !local.is_prod",
        '  username                = "admin_user"',
        "  performance_insights_enabled = local.is_prod",
        "  manage_master_user_password  = true",
        "",
        *r.tags("database", cost='lookup(var.cost_centers, "database", var.default_cost_center)'),
        "}",
        "",
    ]
    for j in range(g.rng.randrange(0, 3)):
        lines += [
            f'resource "aws_db_instance" "{name}_reporting_{j}" {{',
            f'  identifier          = "${{local.name_prefix}}-{name}-reporting-{j}"',
            f"  replicate_source_db = aws_db_instance.{name}.identifier",
            f'  instance_class      = "{g.pick(DB_CLASSES)}"',
            "  skip_final_snapshot = true",
            "",
            *r.tags("reporting"),
            "}",
            "",
        ]
    lines += [
        f'resource "aws_db_event_subscription" "{name}" {{',
        f'  name        = "${{local.name_prefix}}-{name}-events"',
        '  sns_topic   = "arn:aws:sns:us-east-1:123456789012:db-events"',
        '  source_type = "db-instance"',
        f"  source_ids  = [aws_db_instance.{name}.identifier]",
        "",
        '  event_categories = ["failover", "failure", "low storage", "maintenance"]',
        "",
        *r.tags("db-events"),
        "}",
        "",
    ]
    return lines


def _x_network(r: Root, i: int) -> list[str]:
    g = r.g
    lines = [
        f'resource "aws_vpc" "svc_{i}" {{',
        f'  cidr_block = "10.{40 + i}.0.0/16"',
        "",
        *r.tags("vpc", extra={"Name": f'"${{local.name_prefix}}-{i}"'}),
        "}",
        "",
        f'resource "aws_subnet" "svc_{i}" {{',
        "  for_each = local.private_subnets",
        "",
        f"  vpc_id            = aws_vpc.svc_{i}.id",
        f"  cidr_block        = replace(each.value.cidr, \"10.20\", \"10.{40 + i}\")",
        "  availability_zone = each.value.az",
        "",
        *r.tags("subnet", extra={"Name": '"${local.name_prefix}-${each.key}"', "tier": '"private"'}),
        "}",
        "",
        f'resource "aws_security_group" "svc_{i}" {{',
        f'  name   = "${{local.name_prefix}}-svc-{i}"',
        f"  vpc_id = aws_vpc.svc_{i}.id",
        "",
    ]
    for port in g.rng.sample([22, 80, 443, 5432, 6379, 8080, 9090], g.rng.randrange(1, 4)):
        lines += ["  ingress {", f"    from_port   = {port}", f"    to_port     = {port}", '    protocol    = "tcp"',
                  '    cidr_blocks = ["10.0.0.0/8"]', "  }", ""]
    lines += [*r.tags("security-group"), "}", "",
              f'resource "aws_eip" "svc_{i}" {{',
              "  count  = local.is_prod ? 2 : 0",
              '  domain = "vpc"', "",
              *r.tags("eip", extra={"Name": '"${local.name_prefix}-eip-${count.index}"'}),
              "}", ""]
    return lines


def _x_iam(r: Root, i: int) -> list[str]:
    role = f"{r.g.pick(ROLES)}_{i}"
    return [
        f'resource "aws_iam_role" "{role}" {{',
        f'  name = "${{local.name_prefix}}-{role}"',
        "",
        "  assume_role_policy = jsonencode({",
        '    Version = "2012-10-17"',
        "    Statement = [{",
        '      Effect    = "Allow"',
        '      Action    = "sts:AssumeRole"',
        '      Principal = { Service = "ec2.amazonaws.com" }',
        "    }]",
        "  })",
        "",
        *r.tags(f"{role}-role"),
        "}",
        "",
        f'resource "aws_iam_role_policy" "{role}" {{',
        f'  name = "{role}-access"',
        f"  role = aws_iam_role.{role}.id",
        "",
        "  policy = jsonencode({",
        '    Version = "2012-10-17"',
        "    Statement = [",
        "      {",
        '        Effect   = "Allow"',
        '        Action   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]',
        '        Resource = ["arn:aws:s3:::${local.name_prefix}-*", "arn:aws:s3:::${local.name_prefix}-*/*"]',
        "      },",
        "      {",
        '        Effect   = "Allow"',
        '        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]',
        '        Resource = "*"',
        "      },",
        "    ]",
        "  })",
        "}",
        "",
        f'resource "aws_iam_instance_profile" "{role}" {{',
        f'  name = "${{local.name_prefix}}-{role}"',
        f"  role = aws_iam_role.{role}.name",
        "",
        *r.tags(f"{role}-profile"),
        "}",
        "",
    ]


def _x_monitoring(r: Root, i: int) -> list[str]:
    g = r.g
    lg = f"{g.pick(['app', 'access', 'audit', 'worker', 'cron', 'nginx'])}_{i}"
    return [
        f'resource "aws_cloudwatch_log_group" "{lg}" {{',
        f'  name              = "/${{local.name_prefix}}/{lg}"',
        "  retention_in_days = var.log_retention_days",
        "",
        *r.tags(f"{lg}-logs"),
        "}",
        "",
        f'resource "aws_cloudwatch_metric_alarm" "{lg}_cpu" {{',
        "  for_each = {",
        '    high     = { threshold = 80, periods = 3 }',
        '    critical = { threshold = 95, periods = 1 }',
        "  }",
        "",
        f'  alarm_name          = "${{local.name_prefix}}-{lg}-cpu-${{each.key}}"',
        '  comparison_operator = "GreaterThanThreshold"',
        "  evaluation_periods  = each.value.periods",
        '  metric_name         = "CPUUtilization"',
        '  namespace           = "AWS/EC2"',
        "  period              = 300",
        '  statistic           = "Average"',
        "  threshold           = each.value.threshold",
        '  alarm_description   = "CPU of ${local.name_prefix} above ${each.value.threshold}%"',
        "",
        *r.tags("alarm-${each.key}"),
        "}",
        "",
    ]


def _x_queues(r: Root, i: int) -> list[str]:
    g = r.g
    q = f"{g.pick(NOUNS)}_{i}"
    return [
        f'resource "aws_sqs_queue" "{q}" {{',
        f'  name                       = "${{local.name_prefix}}-{q}"',
        f"  visibility_timeout_seconds = {g.pick([30, 60, 120, 300])}",
        "  sqs_managed_sse_enabled    = true",
        "",
        *r.tags(f"{q}-queue"),
        "}",
        "",
        f'resource "aws_sns_topic" "{q}" {{',
        f'  name = "${{local.name_prefix}}-{q}-events"',
        "",
        *r.tags(f"{q}-topic"),
        "}",
        "",
        f'resource "aws_sns_topic_subscription" "{q}" {{',
        f"  topic_arn = aws_sns_topic.{q}.arn",
        '  protocol  = "sqs"',
        f"  endpoint  = aws_sqs_queue.{q}.arn",
        "}",
        "",
    ]


def _x_lambda(r: Root, i: int) -> list[str]:
    g = r.g
    fn = f"{g.pick(['resize', 'notify', 'cleanup', 'export', 'ingest', 'audit'])}_{i}"
    return [
        f'resource "aws_lambda_function" "{fn}" {{',
        f'  function_name = "${{local.name_prefix}}-{fn}"',
        '  role          = "arn:aws:iam::123456789012:role/${local.name_prefix}-lambda"',
        f'  runtime       = "{g.pick(["python3.12", "nodejs20.x", "python3.11"])}"',
        '  handler       = "main.handler"',
        f'  filename      = "${{path.module}}/build/{fn}.zip"',
        f"  memory_size   = {g.pick([128, 256, 512, 1024])}",
        "  timeout       = 30",
        f'  architectures = ["{g.pick(["arm64", "x86_64"])}"]',
        "",
        "  environment {",
        "    variables = {",
        "      ENVIRONMENT = var.environment",
        '      LOG_LEVEL   = local.is_prod ? "INFO" : "DEBUG"',
        "    }",
        "  }",
        "",
        *r.tags(f"{fn}-fn"),
        "}",
        "",
        f'resource "aws_cloudwatch_log_group" "{fn}_fn" {{',
        f'  name              = "/aws/lambda/${{local.name_prefix}}-{fn}"',
        "  retention_in_days = 14",
        "",
        *r.tags(f"{fn}-fn-logs"),
        "}",
        "",
    ]


def _x_dns(r: Root, i: int) -> list[str]:
    return [
        f'resource "aws_route53_zone" "internal_{i}" {{',
        f'  name = "z{i}.${{var.service}}.${{var.environment}}.internal.acme.example"',
        "",
        "  vpc {",
        "    vpc_id = var.vpc_id",
        "  }",
        "",
        *r.tags("dns"),
        "}",
        "",
        f'resource "aws_route53_record" "api_{i}" {{',
        f"  zone_id = aws_route53_zone.internal_{i}.zone_id",
        '  name    = "api"',
        '  type    = "CNAME"',
        "  ttl     = 300",
        '  records = ["${local.name_prefix}.elb.amazonaws.com"]',
        "}",
        "",
        f'resource "aws_acm_certificate" "api_{i}" {{',
        f'  domain_name       = "api{i}.${{var.service}}.acme.example"',
        '  validation_method = "DNS"',
        "",
        *r.tags("certificate"),
        "",
        "  lifecycle {",
        "    create_before_destroy = true",
        "  }",
        "}",
        "",
    ]


def _x_backup(r: Root, i: int) -> list[str]:
    return [
        f'resource "aws_backup_vault" "main_{i}" {{',
        f'  name = "${{local.name_prefix}}-vault-{i}"',
        "",
        *r.tags("backup-vault"),
        "}",
        "",
        f'resource "aws_backup_plan" "main_{i}" {{',
        f'  name = "${{local.name_prefix}}-plan-{i}"',
        "",
        "  rule {",
        '    rule_name         = "daily"',
        f"    target_vault_name = aws_backup_vault.main_{i}.name",
        '    schedule          = "cron(0 3 * * ? *)"',
        "",
        "    lifecycle {",
        "      delete_after = local.is_prod ? 35 : 7",
        "    }",
        "  }",
        "",
        *r.tags("backup-plan"),
        "}",
        "",
        f'resource "aws_backup_vault" "replica_{i}" {{',
        "  provider = aws.replica",
        f'  name     = "${{local.name_prefix}}-vault-replica-{i}"',
        "",
        *r.tags("backup-vault-replica"),
        "}",
        "",
    ]


def _x_security(r: Root, i: int) -> list[str]:
    g = r.g
    lines = [
        f'resource "aws_kms_key" "main_{i}" {{',
        '  description             = "Data key of ${local.name_prefix}"',
        "  enable_key_rotation     = true",
        "  deletion_window_in_days = local.is_prod ? 30 : 7",
        "",
        *r.tags("kms"),
        "}",
        "",
        f'resource "aws_kms_alias" "main_{i}" {{',
        f'  name          = "alias/${{local.name_prefix}}-{i}"',
        f"  target_key_id = aws_kms_key.main_{i}.key_id",
        "}",
        "",
    ]
    for s in g.rng.sample(["db-password", "api-key", "webhook-secret", "signing-key"], g.rng.randrange(1, 4)):
        lines += [
            f'resource "aws_secretsmanager_secret" "{s.replace("-", "_")}_{i}" {{',
            f'  name       = "${{local.name_prefix}}/{s}-{i}"',
            f"  kms_key_id = aws_kms_key.main_{i}.arn",
            "",
            *r.tags(s),
            "}",
            "",
        ]
    return lines


def _x_cache(r: Root, i: int) -> list[str]:
    return [
        f'resource "aws_elasticache_cluster" "sessions_{i}" {{',
        f'  cluster_id      = substr("${{local.name_prefix}}-sessions-{i}", 0, 40)',
        '  engine          = "redis"',
        "  node_type       = local.is_prod ? \"cache.r7g.large\" : \"cache.t4g.micro\"",
        "  num_cache_nodes = 1",
        "  port            = 6379",
        "",
        *r.tags("sessions-cache"),
        "}",
        "",
        f'resource "aws_dynamodb_table" "locks_{i}" {{',
        f'  name         = "${{local.name_prefix}}-locks-{i}"',
        '  billing_mode = "PAY_PER_REQUEST"',
        '  hash_key     = "id"',
        "",
        "  attribute {",
        '    name = "id"',
        '    type = "S"',
        "  }",
        "",
        "  point_in_time_recovery {",
        "    enabled = local.is_prod",
        "  }",
        "",
        *r.tags("locks-table"),
        "}",
        "",
    ]


EXTRA_BUILDERS = {
    "compute": _x_compute, "storage": _x_storage, "database": _x_database, "network": _x_network,
    "iam": _x_iam, "monitoring": _x_monitoring, "queues": _x_queues, "lambda": _x_lambda, "dns": _x_dns,
    "backup": _x_backup, "security": _x_security, "cache": _x_cache,
}


def extra_file(r: Root, kind: str, unit_offset: int) -> list[str]:
    """One extra resource file: units of its kind until the drawn length (most 60–300 lines)."""
    g = r.g
    target = min(420, max(45, int(g.rng.lognormvariate(5.1, 0.45))))  # median ≈ 140 lines
    lines = [f"# {kind.capitalize()} resources of {r.service} ({r.env}).", ""]
    i = unit_offset
    while len(lines) < target:
        lines += EXTRA_BUILDERS[kind](r, i)
        i += 1
    return lines


# --- the whole repository --------------------------------------------------------------

def plan(g: Gen, n_files: int):
    """Decide the layout: (module dirs by kind, roots with their extra files)."""
    n_modules = max(len(MODULE_KINDS), round(n_files * 0.17 / 3.3))
    library: dict[str, list[str]] = {k: [] for k in MODULE_KINDS}
    modules = []
    for i in range(n_modules):
        kind = MODULE_KINDS[i % len(MODULE_KINDS)]
        variant = i // len(MODULE_KINDS)
        name = kind if variant == 0 else f"{kind}-{TEAMS[variant % len(TEAMS)]}"
        if variant >= len(TEAMS):
            name += f"-v{variant // len(TEAMS) + 1}"
        library[kind].append(name)
        modules.append((kind, name))
    return library, modules


def generate(n_files: int, out: Path, seed: int = 7) -> dict:
    g = Gen(seed)
    _USES.clear()
    library, modules = plan(g, n_files)
    files: dict[str, str] = {}
    for kind, name in modules:
        for fname, text in module_files(g, kind, name, library).items():
            files[f"modules/{name}/{fname}"] = text
    budget = n_files - sum(1 for p in files if p.endswith(".tf"))

    roots: list[Root] = []
    used_names: set[str] = set()
    envs = ["prod", "staging", "dev"]
    while budget > 0:
        idx = len(roots)
        n_extra = min(len(EXTRA_FILES), g.pick([1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7]))
        n_tf = 4 + n_extra
        if budget - n_tf < 4:  # the last root takes what is left
            n_tf = budget
            n_extra = n_tf - 4
        if n_extra < 0:  # too few files left for a root: add them to earlier roots
            for k in range(budget):
                roots[k % len(roots)].extra.append(_next_extra(g, roots[k % len(roots)].extra))
            budget = 0
            break
        extra = []
        for _ in range(n_extra):
            extra.append(_next_extra(g, extra))
        team = g.pick(TEAMS)
        if idx < len(envs):
            path, service, env = f"envs/{envs[idx]}", "platform", envs[idx]
        else:
            while True:
                service = f"{g.pick(NOUNS)}-{g.pick(ROLES)}"
                if service not in used_names:
                    break
                service = f"{service}-{g.rng.randrange(2, 99)}"
                if service not in used_names:
                    break
            used_names.add(service)
            path, env = f"services/{service}", g.pick(["prod", "prod", "staging", "dev"])
        roots.append(Root(g, path, service, team, env, extra, library, depth=path.count("/") + 1))
        budget -= n_tf

    for root in roots:
        for fname, text in root.files().items():
            files[f"{root.path}/{fname}"] = text

    files[".tagcheck.yaml"] = ("# Benchmark corpus policy: the finops-baseline required tags.\n"
                               "version: 1\nextends: [finops-baseline]\n")

    # the pre-commit case: a service root of typical size; pre-commit passes the changed files
    services = [r for r in roots if r.path.startswith("services/")] or roots
    services.sort(key=lambda r: (len(r.extra), r.path))
    pc_root = services[len(services) // 2]
    precommit = [f"{pc_root.path}/main.tf", f"{pc_root.path}/locals.tf"]

    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise SystemExit(f"{out}: exists, is not empty and is not a generated corpus; refusing to delete it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for rel, text in sorted(files.items()):
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")

    tf = {p: t for p, t in files.items() if p.endswith(".tf")}
    lines = sorted(t.count("\n") for t in tf.values())
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "files_requested": n_files,
        "seed": seed,
        "tf_files": len(tf),
        "tfvars_files": sum(1 for p in files if p.endswith(".tfvars")),
        "tf_bytes": sum(len(t.encode()) for t in tf.values()),
        "lines_median": lines[len(lines) // 2],
        "lines_p10": lines[len(lines) // 10],
        "lines_p90": lines[len(lines) * 9 // 10],
        "modules": len(modules),
        "roots": len(roots),
        "tagged_things": g.tagged,
        "deliberate_mistakes": g.mistakes,
        "precommit_files": precommit,
    }
    (out / MARKER).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def _next_extra(g: Gen, taken: list[str]) -> str:
    free = [e for e in EXTRA_FILES if e not in taken]
    if free:
        return g.pick(free)
    base = g.pick(EXTRA_FILES)
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, required=True, help="about how many .tf files to write")
    ap.add_argument("--out", type=Path, required=True, help="directory to write (replaced if it is a corpus)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if args.files < 40:
        ap.error("--files must be at least 40 (the module library alone takes about 30 files)")
    manifest = generate(args.files, args.out, args.seed)
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
