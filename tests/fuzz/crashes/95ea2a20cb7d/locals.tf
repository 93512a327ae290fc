locals {
  prefix    = "acme"
  org_tags  = { "cost-center" = "cc-1234" }
  team_tags = { team = "ml" }

  # built from other locals, two levels deep
  common      = merge(local.org_tags, local.team_tags)
  bucket_tags = merge(local.common, { component = "storage" })
}
