locals {
  tags = {
    team          = "ml"
    "cost-center" = "cc-1234"
  }
}
