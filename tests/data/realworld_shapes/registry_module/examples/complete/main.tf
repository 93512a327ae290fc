provider "aws" {
  region = local.region

  # Make it faster by skipping something
  skip_metadata_api_check     = true
  skip_region_validation      = true
  skip_credentials_validation = true

  default_tags {
    tags = {
      team        = var.team
      environment = var.environment
    }
  }
}

locals {
  region = "eu-west-1"
  name   = "ex-${basename(path.cwd)}"

  tags = {
    Example       = local.name
    GithubRepo    = "terraform-aws-data-store"
    "cost-center" = var.cost_center
  }
}

################################################################################
# Data store module
################################################################################

module "data_store" {
  source = "../../"

  name                  = local.name
  log_retention_in_days = 14

  queues = {
    ingest = {
      retention_seconds = 86400
    }
    dlq = {
      tags = { Purpose = "dead-letter" }
    }
  }

  bucket_tags = {
    Tier = "raw"
  }

  tags = local.tags
}

module "data_store_disabled" {
  source = "../../"

  create = false
  name   = "${local.name}-disabled"
}

################################################################################
# Through the wrappers
################################################################################

module "wrapper" {
  source = "../../wrappers"

  defaults = {
    create_log_group = false
    tags             = local.tags
  }

  items = {
    analytics = {
      name = "${local.name}-analytics"
    }
    archive = {
      name                  = "${local.name}-archive"
      create_log_group      = true
      log_retention_in_days = 0
      # the item's own tags replace the defaults: no cost-center here
      tags = { Example = local.name, team = "archive" }
    }
  }
}
