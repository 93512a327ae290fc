resource "aws_s3_bucket" "east" {
  bucket = "acme-east"
}

resource "aws_s3_bucket" "west" {
  provider = aws.west
  bucket   = "acme-west"
}

resource "aws_s3_bucket" "west_tagged" {
  provider = aws.west
  bucket   = "acme-west-tagged"

  tags = {
    team = "data"
  }
}
