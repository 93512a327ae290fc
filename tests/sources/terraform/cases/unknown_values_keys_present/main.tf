provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "me" {}

variable "owner_team" {
  type = string
}

variable "extra_tags" {
  type = map(string)
}

resource "aws_s3_bucket" "from_data" {
  tags = {
    team          = data.aws_caller_identity.me.account_id
    "cost-center" = "cc-1234"
  }
}

resource "aws_s3_bucket" "from_unset_var" {
  tags = {
    team          = var.owner_team
    "cost-center" = "cc-1234"
  }
}

# merge() with an unknown map: team is certain, cost-center may come from var.extra_tags
resource "aws_s3_bucket" "merged_unknown" {
  tags = merge(var.extra_tags, { team = "ml" })
}

resource "aws_s3_bucket" "from_attribute" {
  tags = {
    team          = aws_iam_role.owner.name
    "cost-center" = "cc-1234"
  }
}

resource "aws_s3_bucket" "from_file" {
  tags = {
    team          = trimspace(file("${path.module}/TEAM"))
    "cost-center" = "cc-1234"
  }
}

# the map literal is complete: cost-center is certainly missing, team unknown
resource "aws_s3_bucket" "unknown_and_missing" {
  tags = {
    team = var.owner_team
  }
}

resource "aws_iam_role" "owner" {
  name               = "owner"
  assume_role_policy = "{}"
  tags = {
    team          = "platform"
    "cost-center" = "cc-1234"
  }
}
