provider "aws" {
  region = "us-east-1"
}

# Terraform >= 1.3: optional(type, default) fills a missing attribute with its default
variable "ownership" {
  type = object({
    team        = optional(string, "platform")
    cost_center = optional(string, "cc-1234")
  })
  default = {}
}

resource "aws_s3_bucket" "owned" {
  tags = {
    team          = var.ownership.team
    "cost-center" = var.ownership.cost_center
  }
}
