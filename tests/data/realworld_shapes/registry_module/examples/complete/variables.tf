variable "team" {
  description = "Team that owns the example"
  type        = string
}

variable "environment" {
  description = "Environment name"
  type        = string
  default     = "dev"
}

variable "cost_center" {
  description = "Cost centre the example is billed to"
  type        = string
  default     = null
}
