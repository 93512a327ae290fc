variable "team" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket_prefix = "acme-"
  tags          = { team = var.team }
}
