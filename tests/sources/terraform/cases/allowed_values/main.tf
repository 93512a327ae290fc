provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team        = "platform"
      environment = "production"
    }
  }
}

resource "aws_s3_bucket" "ok" {
  tags = {
    environment   = "prod"
    "cost-center" = "cc-1234"
    tier          = "gold"
  }
}

# the default_tags value is not allowed
resource "aws_s3_bucket" "default_env" {
  tags = {
    "cost-center" = "cc-1234"
  }
}

resource "aws_s3_bucket" "bad_values" {
  tags = {
    environment   = "Prod"
    "cost-center" = "1234"
    tier          = "bronze"
  }
}

# the pattern must match the whole value
resource "aws_s3_bucket" "partial_match" {
  tags = {
    environment   = "dev"
    "cost-center" = "cc-12345"
  }
}
