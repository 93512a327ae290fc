provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = "cc-1234"
    }
  }
}

# An aliased configuration has default_tags of its own — here none.
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
