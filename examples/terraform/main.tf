data "aws_caller_identity" "current" {}

# ---------------------------------------------------------------------------
# Network: VPC, subnets, NAT gateway, shared security group
# ---------------------------------------------------------------------------

module "network" {
  source = "./modules/network"

  name                = local.name_prefix
  vpc_cidr            = var.vpc_cidr
  availability_zones  = var.availability_zones
  public_subnet_cidrs = var.public_subnet_cidrs
  private_subnets     = var.private_subnets
  enable_nat_gateway  = var.enable_nat_gateway

  # NAT data processing is billed to the shared-network budget, not to the
  # workloads behind it.
  # MISTAKE (TAG002): "CC-0100" does not match ^cc-[0-9]{4}$; it should be "cc-0100".
  nat_cost_center = "CC-0100"

  tags = merge(local.common_tags, {
    feature     = "platform-network"
    cost-center = lookup(var.cost_centers, "platform", var.default_cost_center)
  })
}

# S3 gateway endpoint, so dataset traffic from the private subnets skips the NAT
# gateway. Registry module: tagcheck does not fetch remote modules, so the
# resources inside it are not scanned (reported once as TC003).
module "vpc_endpoints" {
  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  version = "~> 6.0"

  vpc_id = module.network.vpc_id

  endpoints = {
    s3 = {
      service         = "s3"
      service_type    = "Gateway"
      route_table_ids = module.network.route_table_ids
      tags            = { Name = "${local.name_prefix}-s3" }
    }
  }

  tags = merge(local.common_tags, {
    feature     = "platform-network"
    cost-center = lookup(var.cost_centers, "platform", var.default_cost_center)
  })
}

# ---------------------------------------------------------------------------
# Inference API (production, always on)
# ---------------------------------------------------------------------------

resource "aws_ecr_repository" "inference" {
  name                 = "${var.project}/model-server"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  tags = {
    feature   = "inference"
    component = "image-registry"
    # The same stack is applied in several accounts and the registry is billed
    # to whichever account hosts it. Known only at apply time (TAG005).
    cost-center = lookup(var.account_cost_centers, data.aws_caller_identity.current.account_id, var.default_cost_center)
  }
}

resource "aws_cloudwatch_log_group" "inference" {
  name              = "/${var.project}/inference-api"
  retention_in_days = 30

  tags = {
    feature   = "inference"
    component = "api-logs"
    # MISTAKE (TAG003): snake_case key; the policy requires "cost-center".
    cost_center = lookup(var.cost_centers, "inference", var.default_cost_center)
  }
}

module "inference" {
  source = "./modules/inference"

  name_prefix           = local.name_prefix
  vpc_id                = module.network.vpc_id
  public_subnet_ids     = module.network.public_subnet_ids
  private_subnet_ids    = [module.network.private_subnet_ids["a"], module.network.private_subnet_ids["b"]]
  security_group_ids    = [module.network.internal_security_group_id]
  instance_type         = var.inference_instance_type
  instance_profile_name = var.inference_instance_profile
  image_uri             = "${aws_ecr_repository.inference.repository_url}:${var.inference_image_tag}"
  log_group_name        = aws_cloudwatch_log_group.inference.name
  min_size              = var.inference_min_size
  max_size              = var.inference_max_size

  tags = merge(local.common_tags, {
    feature     = "inference"
    cost-center = lookup(var.cost_centers, "inference", var.default_cost_center)
  })
}

# ---------------------------------------------------------------------------
# Datasets and logs (backup copy in the DR region)
# ---------------------------------------------------------------------------

module "data" {
  source = "./modules/data"

  providers = {
    aws    = aws
    aws.dr = aws.dr
  }

  name_prefix = local.name_prefix
  account_id  = data.aws_caller_identity.current.account_id

  tags = merge(local.common_tags, {
    feature     = "datasets"
    cost-center = lookup(var.cost_centers, "data", var.default_cost_center)
  })
}

# ---------------------------------------------------------------------------
# Research sandbox (dev): GPU trainer and feature-store database
# ---------------------------------------------------------------------------

module "training" {
  source = "./modules/training"

  name_prefix        = local.sandbox_prefix
  subnet_id          = module.network.private_subnet_ids["c"]
  security_group_ids = [module.network.internal_security_group_id]

  # MISTAKE (TAG001): no cost-center. cost_centers has a "training" entry but
  # nobody passed it, so the most expensive box in the account is unallocated.
  tags = merge(local.common_tags, {
    environment = "dev"
    feature     = "model-training"
  })
}

module "database" {
  source = "./modules/database"

  name_prefix        = local.sandbox_prefix
  subnet_ids         = values(module.network.private_subnet_ids)
  security_group_ids = [module.network.internal_security_group_id]
  instance_class     = var.feature_store_instance_class

  tags = merge(local.common_tags, {
    environment = "dev"
    feature     = "feature-store"
    cost-center = lookup(var.cost_centers, "data", var.default_cost_center)
  })
}
