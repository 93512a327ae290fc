variable "name" {
  description = "Name prefix of every network resource."
  type        = string
}

variable "vpc_cidr" {
  type = string
}

variable "availability_zones" {
  description = "AZ of each public subnet, by position."
  type        = list(string)
}

variable "public_subnet_cidrs" {
  type = list(string)
}

variable "private_subnets" {
  description = "Private subnets by key; feature is the workload the subnet is for."
  type = map(object({
    cidr_block        = string
    availability_zone = string
    feature           = string
  }))
}

variable "enable_nat_gateway" {
  type    = bool
  default = true
}

variable "nat_cost_center" {
  description = "Cost center of the NAT gateway, when it is not the caller's (empty: use tags)."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags for every resource of the module (feature and cost-center included)."
  type        = map(string)
  default     = {}
}
