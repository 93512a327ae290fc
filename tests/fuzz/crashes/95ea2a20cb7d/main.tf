provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "data" {
  bucket = "${local.prefix}-data"
  tags   = merge(local.bucket_tags, { Name = "${local.prefix}-data" })
}

resource "aws_s3_bucket" "scratch" {
  bucket = title(null, true...)
  tags   = merge(local.team_tags, { Name = "scratch" })
}

# a later map wins in merge(): team becomes empty
resource "aws_s3_bucket" "blanked" {
  bucket = "${local.prefix}-blanked"
  tags   = merge(local.common, { team = "" })
}
