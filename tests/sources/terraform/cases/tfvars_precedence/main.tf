provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = var.default_tags
  }
}

resource "aws_s3_bucket" "ladder" {
  bucket = "acme-ladder"

  tags = merge(var.extra_tags, {
    team              = var.team
    "cost-center"     = var.cost_center
    "p-default"       = var.p_default
    "p-tfvars"        = var.p_tfvars
    "p-tfvars-json"   = var.p_tfvars_json
    "p-auto-a"        = var.p_auto_a
    "p-auto-m-json"   = var.p_auto_m_json
    "p-auto-z"        = var.p_auto_z
    "p-var-file-1"    = var.p_var_file_1
    "p-var-file-2"    = var.p_var_file_2
    "p-cli"           = var.p_cli
  })
}
