provider "aws" {
  region = "us-east-1"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 6.0"

  name = "main"
  cidr = "10.0.0.0/16"
}

module "sg" {
  source   = "git::https://example.com/acme/terraform-aws-sg.git?ref=v1.2.0"
  for_each = toset(["web", "db"])

  name = each.key
}

module "net_a" {
  source = "./modules/network"
}

module "net_b" {
  source = "./modules/network"
}

resource "aws_s3_bucket" "local" {
  tags = { team = "net", "cost-center" = "cc-1234" }
}
