variable "team" {
  type = string
}

variable "cost_center" {
  type    = string
  default = "cc-5555"
}

locals {
  common = {
    team          = var.team
    "cost-center" = var.cost_center
  }
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"

  default_tags {
    tags = { environment = "west" }
  }
}

module "app" {
  source = "./modules/app"
  name   = "app"
  tags   = local.common
}

module "app_west" {
  source = "./modules/app"
  name   = "app-west"
  tags   = local.common

  providers = {
    aws = aws.west
  }
}
