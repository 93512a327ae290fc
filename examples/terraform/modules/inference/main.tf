terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

data "aws_region" "current" {}

data "aws_ami" "gpu" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon Linux 2023) *"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

# ---------------------------------------------------------------------------
# Load balancer
# ---------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name_prefix = "${var.name_prefix}-alb-"
  description = "Public HTTP to the inference API load balancer"
  vpc_id      = var.vpc_id

  ingress {
    description = "HTTP from the CDN"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "To the inference hosts"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, {
    component = "load-balancer"
  })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb" "api" {
  name               = "${var.name_prefix}-api"
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.alb.id]
  idle_timeout       = 120

  enable_deletion_protection = true

  tags = merge(var.tags, {
    component = "load-balancer"
  })
}

resource "aws_lb_target_group" "api" {
  name                 = "${var.name_prefix}-api"
  port                 = 8080
  protocol             = "HTTP"
  target_type          = "instance"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = merge(var.tags, {
    component = "load-balancer"
  })
}

# TLS terminates at the CDN in front of the load balancer.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.api.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }

  tags = merge(var.tags, {
    component = "load-balancer"
  })
}

# ---------------------------------------------------------------------------
# Model-server hosts
# ---------------------------------------------------------------------------

resource "aws_launch_template" "api" {
  name_prefix            = "${var.name_prefix}-api-"
  image_id               = data.aws_ami.gpu.id
  instance_type          = var.instance_type
  vpc_security_group_ids = var.security_group_ids

  iam_instance_profile {
    name = var.instance_profile_name
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    set -euo pipefail
    registry="${split("/", var.image_uri)[0]}"
    aws ecr get-login-password --region ${data.aws_region.current.region} | docker login --username AWS --password-stdin "$registry"
    docker run -d --restart always --gpus all -p 8080:8080 \
      --log-driver awslogs --log-opt awslogs-group=${var.log_group_name} \
      ${var.image_uri}
  EOT
  )

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size = 100
      volume_type = "gp3"
      encrypted   = true
    }
  }

  # No tag_specifications: the hosts take their tags from the ASG below.
  tags = merge(var.tags, {
    component = "inference-api"
  })
}

resource "aws_autoscaling_group" "api" {
  name                      = "${var.name_prefix}-api"
  min_size                  = var.min_size
  max_size                  = var.max_size
  desired_capacity          = var.min_size
  vpc_zone_identifier       = var.private_subnet_ids
  target_group_arns         = [aws_lb_target_group.api.arn]
  health_check_type         = "ELB"
  health_check_grace_period = 300

  launch_template {
    id      = aws_launch_template.api.id
    version = aws_launch_template.api.latest_version
  }

  instance_refresh {
    strategy = "Rolling"

    preferences {
      min_healthy_percentage = 50
    }
  }

  # MISTAKE (TAG001): written on the belief that default_tags add team and
  # environment. They do not reach an ASG or the instances it launches, so the
  # GPU hosts carry only the four tags below.
  tag {
    key                 = "Name"
    value               = "${var.name_prefix}-api"
    propagate_at_launch = true
  }

  tag {
    key                 = "feature"
    value               = var.tags["feature"]
    propagate_at_launch = true
  }

  tag {
    key                 = "component"
    value               = "inference-api"
    propagate_at_launch = true
  }

  tag {
    key                 = "cost-center"
    value               = var.tags["cost-center"]
    propagate_at_launch = true
  }

  lifecycle {
    ignore_changes = [desired_capacity]
  }
}

# ---------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------

output "alb_dns_name" {
  value = aws_lb.api.dns_name
}

output "autoscaling_group_name" {
  value = aws_autoscaling_group.api.name
}
