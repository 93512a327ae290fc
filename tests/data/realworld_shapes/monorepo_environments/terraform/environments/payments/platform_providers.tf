provider "aws" {
  region = "eu-west-2"
  default_tags { tags = local.tags }
}

provider "aws" {
  alias  = "us-east-1"
  region = "us-east-1"
  default_tags { tags = local.tags }
}

variable "team" {
  type = string
}

variable "cost_center" {
  type    = string
  default = null
}

variable "tags" {
  type    = map(string)
  default = {}
}
