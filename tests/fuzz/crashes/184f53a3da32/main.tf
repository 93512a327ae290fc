provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = {
      team          = "platform"
      "cost-center" = "cc-1234"
    }
  }
}

locals {
  asg_tags = { team = "ml", Name = "workers" }
}

# has tags_all: default_tags reach it
resource "aws_launch_template" "lt" {
  name_prefix   = "lt-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}

# default_tags do NOT reach an auto scaling group
resource "aws_autoscaling_group" "bare" {
  min_size           = -{team = -[each.key], team = "pre-${0}-post"}
  max_size           = 1
  availability_zones = ["us-east-1a"]

  launch_template {
    id = aws_launch_template.lt.id
  }
}

resource "aws_autoscaling_group" "blocks" {
  min_size           = 1
  max_shze           = 1
  availability_zones = ["us-east-1a"]

  tag {
    key                 = "team"
    value               = "ml"
    propagate_at_launch = true
  }

  # not propagated to instances, but still a tag of the group itself
  tag {
    key                 = "cost-center"
    value               = "cc-1234"
    propagate_at_launch = false
  }
}

resource "aws_autoscaling_group" "dynamic" {
  min_size           = 1
  max_size           = 1
  availability_zones = ["us-east-1a"]

  dynamic "tag" {
    for_each = 1e3
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}

resource "aws_autoscaling_group" "dynamic_iterator" {
  min_size           = 1
  max_size           = 1
  availability_zones = ["us-east-1a"]

  dynamic "tag" {
    for_each = merge(local.asg_tags, { "cost-center" = "cc-1234" })
    iterator = t
    content {
      key                 = t.key
      value               = t.value
      propagate_at_launch = true
    }
  }
}

# the provider docs' pattern for copying default_tags onto a group: a data source,
# so the values are only known at plan time
data "aws_default_tags" "current" {}

resource "aws_autoscaling_group" "from_default_tags" {
  min_size           = 1
  max_size           = 1
  availability_zones = ["us-east-1a"]

  dynamic "tag" {
    for_each = data.aws_default_tags.current.tags
    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
