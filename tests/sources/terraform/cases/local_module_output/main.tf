provider "aws" {
  region = "us-east-1"
}

# the "label module" pattern, with a local source: its output is plain configuration,
# known at plan time
module "labels" {
  source      = "./modules/labels"
  team        = "ml"
  cost_center = "cc-1234"
}

resource "aws_s3_bucket" "data" {
  tags = module.labels.tags
}
