provider "aws" {
  region = "us-east-1"
}

variable "team" {
  default = "ml"
}

resource "aws_s3_bucket" "data" {
  tags = { team = "ml", "cost-center" = "cc-1234" }
}
