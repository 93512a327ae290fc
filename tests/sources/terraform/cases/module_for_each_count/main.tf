provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      "cost-center" = "cc-1234"
    }
  }
}

module "x" {
  source   = "./modules/queue"
  for_each = toset(["alpha", "beta"])
  team     = each.key
}

module "y" {
  source = "./modules/queue"
  count  = 2
  team   = "ops-${count.index}"
}

# count = 0: no instance, no resources
module "z" {
  source = "./modules/queue"
  count  = 0
  team   = "never"
}

module "w" {
  source   = "./modules/queue"
  for_each = { blue = "web", green = "" }
  team     = each.value
}
