provider "aws" {
  region = "us-east-1"
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = "{}"

  tags = {
    team          = "platform"
    "cost-center" = "cc-1234"
  }
}

resource "aws_iam_role_policy_attachment" "app_read" {
  role       = aws_iam_role.app.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_route" "default" {
  route_table_id         = aws_route_table.main.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-0123456789abcdef0"
}

# taggable, and untagged
resource "aws_route_table" "main" {
  vpc_id = "vpc-0123456789abcdef0"
}

# another provider's resource: not AWS, no tag rules
resource "random_id" "suffix" {
  byte_length = 4
}
