variable "team" {
  type = string
}

resource "aws_sns_topic" "this" {
  name = "t-${var.team}"
  tags = { team = var.team }
}
