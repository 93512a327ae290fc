variable "team" {
  type = string
}

resource "aws_sqs_queue" "this" {
  name = "q-${var.team}"
  tags = { team = var.team }
}

module "topic" {
  source = "../topic"
  team   = var.team
}
