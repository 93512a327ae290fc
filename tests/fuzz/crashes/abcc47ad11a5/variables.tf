variable "name_prefix" {
  type = string
}

variable "account_id" {
  description = "AWS account id; bucket names are global, so it is part of them."
  type        = string
}

variable "tags" {
  description = "Tags for every resource of the module; must include feature and cost-center."
  type        = map(string)
  default     = {}
}
