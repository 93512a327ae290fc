provider "aws" {
  default_tags {
    tags = merge(var.tags, {
      managed_by = "terraform-aws-data-store"
    })
  }
}
