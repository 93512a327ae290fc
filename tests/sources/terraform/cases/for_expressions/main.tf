provider "aws" {
  region = "us-east-1"
}

locals {
  raw = {
    Team          = "ml"
    "COST-CENTER" = "cc-1234"
    Scratch       = ""
  }
  # normalise keys, drop empty values
  clean = { for k, v in local.raw : lower(k) => v if v != "" }

  services = {
    api    = { team = "web", cc = "cc-1000" }
    worker = { team = "batch", cc = "cc-2000" }
  }
}

resource "aws_s3_bucket" "normalised" {
  tags = local.clean
}

resource "aws_sqs_queue" "svc" {
  for_each = local.services

  name = "svc-${each.key}"
  tags = {
    team          = each.value.team
    "cost-center" = each.value.cc
    Name          = format("%s-%s", "svc", each.key)
    keys          = join(",", keys(local.services))
  }
}
