provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      "cost-center" = "cc-1234"
    }
  }
}

module "a" {
  source = "./modules/bucket"
  name   = "acme-a"
  tags   = { team = "alpha" }
}

module "b" {
  source = "./modules/bucket"
  name   = "acme-b"
  tags   = { Team = "beta" }
}
