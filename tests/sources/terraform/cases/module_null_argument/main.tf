provider "aws" {
  region = "us-east-1"
}

# A root applied as written (it has a backend), so var.override_tags really is null here:
# without a backend or tfvars it would be left to the caller (unknown).
terraform {
  backend "s3" {}
}

variable "override_tags" {
  type    = map(string)
  default = null
}

# Passing null to a `nullable = false` variable means "use the module's default"
module "defaults" {
  source = "./modules/bucket"
  tags   = var.override_tags
}
