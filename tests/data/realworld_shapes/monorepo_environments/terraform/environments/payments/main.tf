module "baseline" {
  source = "../../modules/baseline"

  name               = "${local.application_name}-${local.environment}"
  log_retention_days = local.is_production ? 400 : 30
}

resource "aws_sqs_queue" "settlements" {
  name = "${local.application_name}-settlements"
}

resource "aws_instance" "debug" {
  count = local.is_development ? 1 : 0

  ami           = "ami-0abcdef1234567890"
  instance_type = "m5.2xlarge"
  tags          = { Name = "${local.application_name}-debug" }
}

resource "aws_acm_certificate" "edge" {
  provider          = aws.us-east-1
  domain_name       = "payments.example.com"
  validation_method = "DNS"
  tags              = { component = "edge" }
}
