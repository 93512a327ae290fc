# Production inference + research sandbox, account 1111-2222-3333.

environment = "prod"
team        = "ml-platform"
github_org  = "acme-ml"

cost_centers = {
  platform  = "cc-1001"
  inference = "cc-2040"
  training  = "cc-3100"
  data      = "cc-1001"
}

account_cost_centers = {
  "111122223333" = "cc-2040"
  "444455556666" = "cc-3100"
}

private_subnets = {
  a = { cidr_block = "10.20.10.0/24", availability_zone = "us-east-1a", feature = "inference" }
  b = { cidr_block = "10.20.11.0/24", availability_zone = "us-east-1b", feature = "inference" }
  # Added for the GPU trainer.
  # MISTAKE (TAG004): feature left empty, so this subnet is allocated to no workload.
  c = { cidr_block = "10.20.12.0/24", availability_zone = "us-east-1c", feature = "" }
}

inference_image_tag = "2025.11.3"

# Bumped while load-testing the feature store and never put back.
# MISTAKE (cost): an r5.2xlarge (8 vCPU, 64 GiB) for a dev database.
feature_store_instance_class = "db.r5.2xlarge"
