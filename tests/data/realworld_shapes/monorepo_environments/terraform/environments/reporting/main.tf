module "baseline" {
  count  = local.is_development ? 0 : 1
  source = "../../modules/baseline"

  name                  = "${local.application_name}-${local.environment}"
  bastion_instance_type = var.bastion_instance_type
  # cost-center comes from the environments file, through default_tags
  tags = { team = "reporting", environment = "prod" }
}

module "scratch" {
  count  = local.is_development ? 1 : 0
  source = "../../modules/baseline"

  name = "${local.application_name}-scratch"
}

resource "aws_s3_bucket" "exports" {
  bucket = "${local.application_name}-exports"
  tags = {
    team          = "reporting"
    environment   = "prod"
    "cost-center" = "cc-2002"
  }
}
