provider "aws" {
  region = "us-east-1"
}

variable "buckets" {
  type = list(object({
    name = string
    team = string
  }))
  default = []
}

variable "enabled" {
  type    = bool
  default = true
}

locals {
  base = { "cost-center" = "cc-1234" }
}

resource "aws_s3_bucket" "this" {
  for_each = { for b in var.buckets : b.name => b }

  bucket = each.key
  tags   = merge(local.base, { team = each.value.team })
}

resource "aws_sqs_queue" "optional" {
  count = var.enabled ? 1 : 0
  name  = "optional"
}
