# A reusable module in the terraform-aws-modules style, scanned on its own: no provider,
# no backend, no tfvars. Its tags come from the caller.

resource "aws_s3_bucket" "this" {
  count = var.create_bucket ? 1 : 0

  bucket = var.bucket
  tags   = merge(var.tags, { Name = var.bucket })
}

resource "aws_s3_bucket" "logs" {
  bucket = "${var.bucket}-logs"
  tags   = var.tags
}

resource "aws_sqs_queue" "events" {
  name = "${var.bucket}-events"
  tags = merge(var.tags, { team = "storage" })
}
