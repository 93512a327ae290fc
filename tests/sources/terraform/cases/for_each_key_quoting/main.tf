provider "aws" {
  region = "sa-east-1"
}

resource "aws_sqs_queue" "office" {
  for_each = toset(["são-paulo", "zürich", "new york"])

  name = "office"
  tags = { team = each.key }
}
