locals {
  create      = var.create
  bucket_name = coalesce(var.bucket_name, "${var.name}-data")
}

################################################################################
# Bucket
################################################################################

resource "aws_s3_bucket" "this" {
  count = local.create ? 1 : 0

  bucket        = local.bucket_name
  force_destroy = var.force_destroy

  tags = merge(var.tags, var.bucket_tags, { Name = local.bucket_name })
}

resource "aws_s3_bucket_versioning" "this" {
  count = local.create && var.versioning ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

################################################################################
# Queues
################################################################################

resource "aws_sqs_queue" "this" {
  for_each = { for k, v in var.queues : k => v if local.create }

  name                      = "${var.name}-${each.key}"
  message_retention_seconds = try(each.value.retention_seconds, 345600)

  tags = merge(var.tags, try(each.value.tags, {}), { Name = "${var.name}-${each.key}" })
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  count = local.create && var.create_log_group ? 1 : 0

  name              = "/aws/data-store/${var.name}"
  retention_in_days = var.log_retention_in_days

  tags = merge(var.tags, { Name = "/aws/data-store/${var.name}" })
}
