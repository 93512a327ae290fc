resource "aws_s3_bucket" "logs" {
  bucket = "${var.name}-logs"
  tags   = merge(var.tags, { Name = "${var.name}-logs" })
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/app/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_instance" "bastion" {
  count = var.bastion_instance_type == null ? 0 : 1

  ami           = "ami-0abcdef1234567890"
  instance_type = var.bastion_instance_type

  tags = merge(var.tags, { Name = "${var.name}-bastion" })
}
