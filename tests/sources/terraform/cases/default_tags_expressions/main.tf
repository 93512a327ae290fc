locals {
  common_tags = {
    team          = "platform"
    "cost-center" = "cc-${var.cost_center_number}"
  }
}

variable "cost_center_number" {
  default = "1234"
}

provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = local.common_tags
  }
}

data "external" "defaults" {
  program = ["echo", "{}"]
}

provider "aws" {
  alias  = "computed"
  region = "us-east-1"

  default_tags {
    tags = merge(data.external.defaults.result, { team = "ml" })
  }
}

resource "aws_s3_bucket" "from_locals" {
  bucket = "acme-a"
}

resource "aws_s3_bucket" "null_tags" {
  bucket = "acme-b"
  tags   = null
}

resource "aws_s3_bucket" "empty_tags" {
  bucket = "acme-c"
  tags   = {}
}

resource "aws_s3_bucket" "computed_defaults" {
  provider = aws.computed
  bucket   = "acme-d"
}
