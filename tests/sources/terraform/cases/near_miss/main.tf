provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "case_and_underscore" {
  tags = {
    Team        = "ml"
    cost_center = "cc-1234"
  }
}

resource "aws_s3_bucket" "no_separator" {
  tags = {
    team       = "ml"
    costcenter = "cc-1234"
  }
}

resource "aws_s3_bucket" "near_and_missing" {
  tags = {
    TEAM = "ml"
  }
}

resource "aws_s3_bucket" "title_case" {
  tags = {
    team          = "ml"
    "Cost-Center" = "cc-1234"
  }
}

# owner is not a spelling of team: plain TAG001
resource "aws_s3_bucket" "unrelated" {
  tags = {
    owner         = "ml"
    "cost-center" = "cc-1234"
  }
}
