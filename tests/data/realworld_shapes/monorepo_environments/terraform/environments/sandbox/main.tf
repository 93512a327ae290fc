locals {
  application_name = "sandbox"
  environment      = trimprefix(terraform.workspace, "${local.application_name}-")
  is_development   = terraform.workspace == "dev"

  tags = {
    team          = var.team
    environment   = local.is_development ? "dev" : "sandbox"
    "cost-center" = var.cost_center
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags { tags = local.tags }
}

variable "team" {
  type = string
}

variable "cost_center" {
  type = string
}

variable "users" {
  type    = map(string)
  default = {}
}

module "baseline" {
  source = "../../modules/baseline"

  name = "${local.application_name}-${local.environment}"
  tags = { component = "baseline" }
}

resource "aws_instance" "workstation" {
  for_each = var.users

  ami           = "ami-0abcdef1234567890"
  instance_type = each.value
  tags          = { Name = "workstation-${each.key}", owner = each.key }
}

resource "aws_db_instance" "scratch" {
  count = local.is_development ? 1 : 0

  identifier     = "${local.application_name}-scratch"
  engine         = "postgres"
  instance_class = "db.r5.large"
}
