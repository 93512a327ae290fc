# Only an aliased configuration is declared. A resource without `provider` uses the
# default (unaliased) aws configuration, which Terraform creates empty: no default_tags.
provider "aws" {
  alias  = "tagged"
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = "cc-1234"
    }
  }
}

resource "aws_s3_bucket" "implicit" {
  bucket = "acme-implicit"
}

resource "aws_s3_bucket" "explicit" {
  provider = aws.tagged
  bucket   = "acme-explicit"
}
