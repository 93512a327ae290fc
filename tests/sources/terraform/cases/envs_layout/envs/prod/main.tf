provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = { "cost-center" = "cc-1000" }
  }
}

module "bucket" {
  source = "../../modules/bucket"
  team   = "prod-team"
}
