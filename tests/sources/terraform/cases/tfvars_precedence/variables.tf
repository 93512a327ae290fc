variable "team" {
  type    = string
  default = "from-default"
}

variable "cost_center" {
  type    = string
  default = "cc-0000"
}

variable "default_tags" {
  type    = map(string)
  default = {}
}

variable "extra_tags" {
  type    = map(string)
  default = {}
}

# One variable per rung of the ladder: each is set by every source up to its rung.
variable "p_default" { default = "default" }
variable "p_tfvars" { default = "default" }
variable "p_tfvars_json" { default = "default" }
variable "p_auto_a" { default = "default" }
variable "p_auto_m_json" { default = "default" }
variable "p_auto_z" { default = "default" }
variable "p_var_file_1" { default = "default" }
variable "p_var_file_2" { default = "default" }
variable "p_cli" { default = "default" }
