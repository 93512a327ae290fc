provider "aws" {
  region = "eu-west-1"
}

module "s3_bucket" {
  source = "./modules/s3-bucket"

  bucket = "acme-data"
  tags = {
    team          = "data"
    "cost-center" = "cc-1234"
  }
}
