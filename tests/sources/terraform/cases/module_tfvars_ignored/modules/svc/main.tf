variable "team" {
  type = string
}

variable "cost_center" {
  type    = string
  default = "cc-1234"
}

resource "aws_sqs_queue" "this" {
  name = "svc"
  tags = { team = var.team, "cost-center" = var.cost_center }
}
