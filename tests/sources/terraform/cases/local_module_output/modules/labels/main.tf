variable "team" {
  type = string
}

variable "cost_center" {
  type = string
}

output "tags" {
  value = {
    team          = var.team
    "cost-center" = var.cost_center
  }
}
