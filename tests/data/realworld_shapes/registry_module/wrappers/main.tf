module "wrapper" {
  source = "../"

  for_each = var.items

  bucket_name           = try(each.value.bucket_name, var.defaults.bucket_name, null)
  bucket_tags           = try(each.value.bucket_tags, var.defaults.bucket_tags, {})
  create                = try(each.value.create, var.defaults.create, true)
  create_log_group      = try(each.value.create_log_group, var.defaults.create_log_group, true)
  force_destroy         = try(each.value.force_destroy, var.defaults.force_destroy, false)
  log_retention_in_days = try(each.value.log_retention_in_days, var.defaults.log_retention_in_days, null)
  name                  = try(each.value.name, var.defaults.name, "")
  queues                = try(each.value.queues, var.defaults.queues, {})
  tags                  = try(each.value.tags, var.defaults.tags, {})
  versioning            = try(each.value.versioning, var.defaults.versioning, true)
}
