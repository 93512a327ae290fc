provider "aws" {
  region = "us-east-1"
}

# tagcheck:ignore=TAG001 a comment separated by a blank line is not attached

resource "aws_s3_bucket" "detached" {
  bucket = "acme-detached"
}

# one comment covers every instance; it is used as soon as one instance needs it
resource "aws_sqs_queue" "per_team" {
  # tagcheck:ignore=TAG004 b is being decommissioned
  for_each = { a = "ml", b = "" }

  name = "q-${each.key}"
  tags = { team = each.value, "cost-center" = "cc-1234" }
}

# an unused comment on a counted resource is reported once, not once per instance
resource "aws_sns_topic" "counted" {
  # tagcheck:ignore=TAG003 stale
  count = 3

  name = "t-${count.index}"
  tags = { team = "ml", "cost-center" = "cc-1234" }
}
