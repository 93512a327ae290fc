provider "aws" {
  region = var.region
  default_tags { tags = local.tags }
}

variable "region" {
  type    = string
  default = "eu-west-2"
}

variable "bastion_instance_type" {
  type    = string
  default = null
}
