provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = "cc-1234"
    }
  }
}

# No tags of its own: everything comes from the provider.
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}

# Own tags add to default_tags; on the same key the resource wins.
resource "aws_sqs_queue" "jobs" {
  name = "jobs"

  tags = {
    Name = "jobs"
    team = "data"
  }
}
