provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = "cc-1234"
    }
  }
}

# null on a key that default_tags also set: the resource tag is dropped and the
# default_tags value stays in tags_all
resource "aws_s3_bucket" "null_overlapping" {
  tags = {
    team = null
    Name = "data"
  }
}
