variable "create_bucket" {
  description = "Controls if the S3 bucket should be created"
  type        = bool
  default     = true
}

variable "bucket" {
  description = "The name of the bucket"
  type        = string
  default     = null
}

variable "tags" {
  description = "A mapping of tags to assign to the bucket"
  type        = map(string)
  default     = {}
}
