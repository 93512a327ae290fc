terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.replica]
    }
  }
}

resource "aws_s3_bucket" "primary" {
  bucket_prefix = "acme-primary-"
}

resource "aws_s3_bucket" "replica" {
  provider      = aws.replica
  bucket_prefix = "acme-replica-"
}
