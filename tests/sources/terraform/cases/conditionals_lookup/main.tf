provider "aws" {
  region = "us-east-1"
}

variable "env" {
  default = "prod"
}

variable "teams" {
  type    = map(string)
  default = { prod = "sre", dev = "devs" }
}

locals {
  cost_centers = { prod = "cc-1000" }
  is_prod      = var.env == "prod"
}

resource "aws_s3_bucket" "conditional" {
  tags = {
    team          = local.is_prod ? "sre" : "dev"
    "cost-center" = var.env != "prod" ? "cc-2000" : local.cost_centers[var.env]
  }
}

resource "aws_s3_bucket" "lookups" {
  tags = {
    team          = lookup(var.teams, var.env)
    "cost-center" = lookup(local.cost_centers, "dev", "cc-9999")
  }
}

resource "aws_s3_bucket" "fallbacks" {
  tags = {
    team          = try(var.teams["qa"], "fallback")
    "cost-center" = coalesce("", upper("cc-3000"))
    owner         = lower("SRE")
  }
}

# lookup() without a default on a missing key is an error in Terraform: nothing about
# this resource's tags can be known
resource "aws_s3_bucket" "lookup_error" {
  tags = {
    team          = lookup(var.teams, "qa")
    "cost-center" = "cc-1234"
  }
}

resource "aws_s3_bucket" "conditional_map" {
  tags = local.is_prod ? { team = "sre", "cost-center" = "cc-1000" } : {}
}
