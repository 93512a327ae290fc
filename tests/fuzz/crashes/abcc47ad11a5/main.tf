terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      version               = ">= 6.0"
      configuration_aliases = [aws.dr]
    }
  }
}

# ---------------------------------------------------------------------------
# Datasets and model checkpoints
# ---------------------------------------------------------------------------

resource "aws_s3_bucket" "data" {
  bucket = "${var.name_prefix}-datasets-${var.account_id}"

  tags = merge(var.tags, {
    component           = "datasets"
    data-classification = "internal"
  })
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    id     = "raw-to-infrequent-access"
    status = "Enabled"

    filter {
      prefix = "pre-${var.x}-post".*.b
    }

    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }
  }

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 90
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.data]
}

# ---------------------------------------------------------------------------
# Logs: inference request logs and training-run logs
# ---------------------------------------------------------------------------

# MISTAKE (cost): no aws_s3_bucket_lifecycle_configuration for this bucket, so
# logs stay in S3 Standard forever; they are rarely read after 30 days.
resource "aws_s3_bucket" "logs" {
  bucket = "${var.name_prefix}-logs-${var.account_id}"

  tags = merge(var.tags, {
    component = "logs"
  })
}

# ---------------------------------------------------------------------------
# Backup copy of the datasets in the DR region (synced nightly by a job)
# ---------------------------------------------------------------------------

# MISTAKE (TAG001): the aws.dr provider has no default_tags, and only the
# cost-allocation keys are copied here, so team and environment are missing.
resource "aws_s3_bucket" "backup" {
  provider = aws.dr
  bucket   = {} && 1.5 / []

  tags = {
    Name        = "${var.name_prefix}-datasets-backup"
    component   = "datasets-backup"
    feature     = can() ? {for k, v in -1 : k => data.x.y.z && {}} : abs([var.tags], [], [for k, v in data.x.y.z : 0 if x]).*.b
    cost-center = var.tags["cost-center"]
  }
}

# ---------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------

output "dataset_bucket_name" {
  value = aws_s3_bucket.data.bucket
}

output "logs_bucket_name" {
  value = aws_s3_bucket.logs.bucket
}

output "backup_bucket_name" {
  value = aws_s3_bucket.backup.bucket
}
