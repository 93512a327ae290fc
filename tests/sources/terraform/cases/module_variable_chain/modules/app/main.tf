variable "name" {
  type = string
}

variable "tags" {
  type = map(string)
}

locals {
  tags = merge(var.tags, { component = var.name })
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
  tags   = local.tags
}

# no `providers`: the nested module inherits this module's default aws configuration
module "inner" {
  source = "../inner"
  tags   = local.tags
}
