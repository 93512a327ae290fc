# Terraform merges override files into the block of the same address: this `tags`
# replaces the one in main.tf.
resource "aws_s3_bucket" "data" {
  tags = { team = "ml", "cost-center" = "cc-1234" }
}
