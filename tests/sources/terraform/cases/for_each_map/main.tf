provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      "cost-center" = "cc-1234"
    }
  }
}

resource "aws_sqs_queue" "per_team" {
  for_each = {
    a = "ml"
    b = ""
    c = "data"
  }

  name = "queue-${each.key}"
  tags = { team = each.value }
}

resource "aws_sns_topic" "per_name" {
  for_each = toset(["orders", "billing"])

  name = each.key
  tags = { team = "ops", Name = each.value }
}
