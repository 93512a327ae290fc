# Everything in this stack is created through the default provider, which stamps
# local.common_tags (team, environment, project, ...) on every resource whose type
# has tags_all.
#
# feature and cost-center are deliberately NOT default tags: one account runs
# several workloads, each billed to its own budget, so they are set on each module
# call in main.tf.
provider "aws" {
  region = var.region

  default_tags {
    tags = local.common_tags
  }
}

# Disaster-recovery region, used only for the dataset backup bucket.
# It has no default_tags block: anything created through it must tag itself
# (see modules/data, where that goes wrong).
provider "aws" {
  alias  = "dr"
  region = var.dr_region
}
