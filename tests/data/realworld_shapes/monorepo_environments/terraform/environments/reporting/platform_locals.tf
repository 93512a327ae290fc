data "http" "environments_file" {
  url = "https://example.com/environments/${local.application_name}.json"
}

locals {
  application_name = "reporting"

  environment    = trimprefix(terraform.workspace, "${local.application_name}-")
  is_production  = terraform.workspace == "${local.application_name}-production"
  is_development = terraform.workspace == "dev"

  tags = merge(
    jsondecode(data.http.environments_file.response_body).tags,
    { "is-production" = local.is_production },
    { "environment-name" = terraform.workspace },
  )
}
