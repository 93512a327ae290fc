locals {
  name_prefix = "${var.project}-${var.environment}"

  # The research sandbox (GPU trainer and feature-store database) shares this
  # account and VPC but is a dev environment; it gets its own name prefix and
  # overrides the environment tag on its module calls.
  sandbox_prefix = "${var.project}-dev"

  common_tags = merge(
    {
      environment = var.environment
      team        = var.team
      project     = var.project
      managed-by  = "terraform"
      repository  = "github.com/${var.github_org}/${var.project}"
    },
    var.extra_tags,
  )
}
