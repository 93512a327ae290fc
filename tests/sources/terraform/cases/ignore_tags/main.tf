provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = "cc-1234"
    }
  }

  ignore_tags {
    keys = ["team"]
  }
}

provider "aws" {
  alias  = "prefixed"
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = "cc-1234"
    }
  }

  ignore_tags {
    key_prefixes = ["cost-"]
  }
}

resource "aws_s3_bucket" "default_provider" {
  bucket = "acme-a"
}

# set on the resource too: still ignored by the provider
resource "aws_s3_bucket" "own_tag" {
  bucket = "acme-b"
  tags   = { team = "ml", Name = "b" }
}

resource "aws_s3_bucket" "prefixed" {
  provider = aws.prefixed
  bucket   = "acme-c"
}
