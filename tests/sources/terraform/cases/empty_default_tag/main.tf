provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = ""
    }
  }
}

resource "aws_s3_bucket" "inherits_empty" {
  bucket = "acme-a"
}

resource "aws_s3_bucket" "overrides_empty" {
  bucket = "acme-b"
  tags   = { "cost-center" = "cc-1234" }
}

# AWS provider 6.x: a resource may set its own region; default_tags still apply
resource "aws_s3_bucket" "other_region" {
  region = "eu-central-1"
  bucket = "acme-c"
  tags   = { "cost-center" = "cc-1234" }
}
