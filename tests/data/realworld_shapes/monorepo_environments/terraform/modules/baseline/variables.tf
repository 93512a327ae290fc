variable "name" {
  type = string
}

variable "log_retention_days" {
  type    = number
  default = 30
}

variable "bastion_instance_type" {
  type    = string
  default = null
}

variable "tags" {
  type    = map(string)
  default = {}
}
