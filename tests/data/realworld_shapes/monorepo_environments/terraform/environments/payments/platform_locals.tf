locals {
  application_name = "payments"

  # the workspace is "<application>-<environment>", e.g. payments-development
  environment    = trimprefix(terraform.workspace, "${local.application_name}-")
  is_production  = terraform.workspace == "${local.application_name}-production"
  is_development = terraform.workspace == "${local.application_name}-development"

  tags = merge(var.tags, {
    team               = var.team
    environment        = local.is_production ? "prod" : "dev"
    "cost-center"      = var.cost_center
    "environment-name" = terraform.workspace
  })
}
