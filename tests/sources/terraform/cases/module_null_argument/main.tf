provider "aws" {
  region = "us-east-1"
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
