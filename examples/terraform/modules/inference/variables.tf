variable "name_prefix" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "public_subnet_ids" {
  description = "Subnets of the internet-facing load balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the inference hosts."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the inference hosts."
  type        = list(string)
}

variable "instance_type" {
  type    = string
  default = "g4dn.xlarge"
}

variable "instance_profile_name" {
  description = "IAM instance profile that lets the hosts pull from ECR and write logs."
  type        = string
}

variable "image_uri" {
  description = "Model-server image, repository URL and tag."
  type        = string
}

variable "log_group_name" {
  description = "CloudWatch log group of the model-server containers."
  type        = string
}

variable "min_size" {
  type    = number
  default = 2
}

variable "max_size" {
  type    = number
  default = 6
}

variable "tags" {
  description = "Tags for every resource of the module; must include feature and cost-center."
  type        = map(string)
  default     = {}
}
