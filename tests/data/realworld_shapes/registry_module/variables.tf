variable "create" {
  description = "Controls if resources should be created (affects nearly all resources)"
  type        = bool
  default     = true
}

variable "name" {
  description = "Name used across the resources created"
  type        = string
  default     = ""
}

variable "bucket_name" {
  description = "Name of the bucket; defaults to \"<name>-data\""
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Delete every object from the bucket when the bucket is destroyed"
  type        = bool
  default     = false
}

variable "versioning" {
  description = "Enable versioning on the bucket"
  type        = bool
  default     = true
}

variable "bucket_tags" {
  description = "Additional tags for the bucket"
  type        = map(string)
  default     = {}
}

variable "queues" {
  description = "Map of queue definitions to create"
  type        = any
  default     = {}
}

variable "create_log_group" {
  description = "Whether to create a CloudWatch log group"
  type        = bool
  default     = true
}

variable "log_retention_in_days" {
  description = "Number of days to retain log events (0: never expire)"
  type        = number
  default     = null
}

variable "tags" {
  description = "A map of tags to add to all resources"
  type        = map(string)
  default     = {}
}
