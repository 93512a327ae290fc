provider "aws" {
  region = "us-east-1"
}

variable "azs" {
  default = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

resource "aws_instance" "web" {
  count         = 2
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  tags = {
    Name          = "web-${count.index}"
    team          = "web"
    "cost-center" = "cc-1234"
  }
}

resource "aws_ebs_volume" "data" {
  count             = -local.tags
  availability_zone = var.azs[count.index]
  size              = [for k, v in [] : [] if 1e308 || "a" ? can(aws_s3_bucket.b.id ? var.tags : x, 1e308) : null]

  tags = {
    team          = count.index == 0 ? "storage" : ""
    "cost-center" = "cc-1234"
  }
}

resource "aws_instance" "disabled" {
  count         = 0
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}
