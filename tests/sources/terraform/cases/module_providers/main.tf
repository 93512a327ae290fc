provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = "cc-1234"
    }
  }
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"

  default_tags {
    tags = {
      team = "west-team"
    }
  }
}

module "east" {
  source = "./modules/bucket"
}

module "west" {
  source = "./modules/bucket"

  providers = {
    aws = aws.west
  }
}

module "replicated" {
  source = "./modules/replicated"

  providers = {
    aws         = aws
    aws.replica = aws.west
  }
}
