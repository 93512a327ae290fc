# what `terraform init` downloaded for module.vpc: not the user's code
resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}
