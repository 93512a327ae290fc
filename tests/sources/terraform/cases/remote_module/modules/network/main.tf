module "endpoints" {
  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  version = "~> 6.0"
}

resource "aws_route_table" "private" {
  vpc_id = "vpc-0123456789abcdef0"
  tags   = { team = "net", "cost-center" = "cc-1234" }
}
