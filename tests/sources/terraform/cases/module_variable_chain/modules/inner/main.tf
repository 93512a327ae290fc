variable "tags" {
  type = map(string)
}

resource "aws_sqs_queue" "this" {
  name = "inner"
  tags = var.tags
}
