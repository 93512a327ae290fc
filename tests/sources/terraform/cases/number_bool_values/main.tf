provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      "cost-center" = 1234
      billable      = true
    }
  }
}

variable "cost_center_number" {
  type    = number
  default = 4321
}

resource "aws_s3_bucket" "typed" {
  tags = {
    team     = "ml"
    replicas = 3
    ratio    = 2.50
    big      = 1e3
    enabled  = false
  }
}

resource "aws_s3_bucket" "from_number_var" {
  tags = {
    team          = "ml"
    "cost-center" = var.cost_center_number
  }
}
