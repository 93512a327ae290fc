resource "aws_s3_bucket" "data" {
  tags = local.tags
}

module "queue" {
  source = "./modules/queue"
  tags   = local.tags
}
