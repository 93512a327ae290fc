provider "aws" {
  region = "us-east-1"
}

variable "env" {
  default = "prod"
}

# a null value means "no such tag": the key is not set
resource "aws_s3_bucket" "null_value" {
  tags = {
    team          = "ml"
    "cost-center" = null
  }
}

# the usual pattern: a tag only outside production
resource "aws_s3_bucket" "conditional_null" {
  tags = {
    team          = "ml"
    "cost-center" = "cc-1234"
    expires       = var.env == "prod" ? null : "2026-12-31"
  }
}
