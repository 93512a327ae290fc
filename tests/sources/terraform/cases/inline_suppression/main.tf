provider "aws" {
  region = "us-east-1"
}

# tagcheck:ignore=TAG001 legacy bucket, owned by the data team until the migration
resource "aws_s3_bucket" "above" {
  bucket = "acme-legacy"
}

resource "aws_s3_bucket" "inside" {
  # tagcheck:ignore=TAG001 shared bucket, allocated by prefix
  bucket = "acme-shared"
}

# tagcheck:ignore=TAG002 nothing here is ever TAG002
resource "aws_s3_bucket" "unused" {
  bucket = "acme-clean"
  tags   = { team = "ml", "cost-center" = "cc-1234" }
}

resource "aws_s3_bucket" "wrong_rule" {
  // tagcheck:ignore=TAG003 meant TAG001
  bucket = "acme-wrong"
  tags   = { team = "ml" }
}

resource "aws_s3_bucket" "two_rules" {
  # tagcheck:ignore=TAG001,TAG003 both on purpose
  bucket = "acme-two"
  tags   = { Team = "ml" }
}

resource "aws_s3_bucket" "not_suppressed" {
  bucket = "acme-plain"
}
