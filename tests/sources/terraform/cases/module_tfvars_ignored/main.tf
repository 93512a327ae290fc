provider "aws" {
  region = "us-east-1"
}

module "svc" {
  source = "./modules/svc"
  team   = "caller"
}
