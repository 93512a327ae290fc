provider "aws" {
  region = "us-east-1"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 6.0"
}

resource "aws_s3_bucket" "own" {
  tags = { team = "net", "cost-center" = "cc-1234" }
}
