variable "region" {
  description = "Primary AWS region."
  type        = string
  default     = "us-east-1"
}

variable "dr_region" {
  description = "Region of the dataset backup bucket."
  type        = string
  default     = "us-west-2"
}

variable "project" {
  description = "Project name, used in resource names and the project tag."
  type        = string
  default     = "ml-platform"
}

variable "environment" {
  description = "Environment of this stack: dev, test, staging or prod."
  type        = string
  default     = "dev"

  validation {
    condition     = contains(["dev", "test", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, test, staging, prod."
  }
}

variable "team" {
  description = "Owning team, applied to every resource through default_tags."
  type        = string
  default     = "ml-platform"
}

variable "github_org" {
  description = "GitHub organisation that holds this repository (repository tag)."
  type        = string
  default     = "example-org"
}

variable "extra_tags" {
  description = "Additional tags applied through default_tags."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------
# Cost allocation
# ---------------------------------------------------------------------------

variable "cost_centers" {
  description = "Cost center of each workload (feature), e.g. { inference = \"cc-2040\" }."
  type        = map(string)
  default     = {}
}

variable "default_cost_center" {
  description = "Cost center used when a workload has no entry in cost_centers."
  type        = string
  default     = "cc-1001"
}

variable "account_cost_centers" {
  description = "Cost center of resources shared per account, keyed by AWS account id."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "availability_zones" {
  description = "AZs of the public subnets, one per CIDR in public_subnet_cidrs."
  type        = list(string)
  default     = ["us-east-1a", "us-east-1b"]
}

variable "public_subnet_cidrs" {
  type    = list(string)
  default = ["10.20.0.0/24", "10.20.1.0/24"]
}

variable "private_subnets" {
  description = "Private subnets by key; feature names the workload each one is for."
  type = map(object({
    cidr_block        = string
    availability_zone = string
    feature           = string
  }))
  default = {
    a = { cidr_block = "10.20.10.0/24", availability_zone = "us-east-1a", feature = "inference" }
    b = { cidr_block = "10.20.11.0/24", availability_zone = "us-east-1b", feature = "inference" }
  }
}

variable "enable_nat_gateway" {
  description = "Create a NAT gateway so private subnets reach the internet."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------

variable "inference_instance_type" {
  type    = string
  default = "g4dn.xlarge"
}

variable "inference_min_size" {
  type    = number
  default = 2
}

variable "inference_max_size" {
  type    = number
  default = 6
}

variable "inference_image_tag" {
  description = "Tag of the model-server image in the ECR repository."
  type        = string
  default     = "latest"
}

variable "inference_instance_profile" {
  description = "Existing IAM instance profile of the inference hosts (managed by the security team)."
  type        = string
  default     = "ml-platform-inference"
}

variable "feature_store_instance_class" {
  description = "Instance class of the feature-store database."
  type        = string
  default     = "db.t4g.large"
}
