variable "tags" {
  type     = map(string)
  nullable = false
  default = {
    team          = "platform"
    "cost-center" = "cc-1234"
  }
}

resource "aws_s3_bucket" "this" {
  bucket_prefix = "acme-"
  tags          = var.tags
}
