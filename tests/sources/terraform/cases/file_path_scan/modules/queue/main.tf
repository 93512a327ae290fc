variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_sqs_queue" "this" {
  name = "q"
  tags = var.tags
}
