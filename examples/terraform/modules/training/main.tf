# A GPU box for the research team's training runs. Researchers connect through
# SSM Session Manager and start jobs by hand; checkpoints go to the dataset bucket.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}

variable "name_prefix" {
  type = string
}

variable "subnet_id" {
  type = string
}

variable "security_group_ids" {
  type = list(string)
}

variable "instance_type" {
  description = "GPU instance type of the trainer."
  type        = string
  default     = "p3.2xlarge"
}

variable "root_volume_size" {
  description = "Root volume size in GiB (datasets are staged here)."
  type        = number
  default     = 500
}

variable "tags" {
  description = "Tags of the trainer; must include feature and cost-center."
  type        = map(string)
  default     = {}
}

data "aws_ami" "pytorch" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["Deep Learning OSS Nvidia Driver AMI GPU PyTorch * (Ubuntu 22.04) *"]
  }
}

# MISTAKE (cost): an on-demand p3.2xlarge (1x V100, ~$3.06/h) in dev that runs
# 24x7: no schedule tag, no spot, no stop outside working hours. Runs are
# checkpointed, so spot for the hours actually used would do.
resource "aws_instance" "trainer" {
  ami                    = data.aws_ami.pytorch.id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_id
  vpc_security_group_ids = var.security_group_ids

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }

  # MISTAKE (cost): gp2 root volume; gp3 is ~20 % cheaper per GiB with a
  # higher baseline.
  root_block_device {
    volume_size = var.root_volume_size
    volume_type = "gp2"
    encrypted   = true
  }

  # The call in ../../main.tf passes no cost-center (TAG001).
  tags = merge(var.tags, {
    Name      = "${var.name_prefix}-trainer"
    component = "gpu-trainer"
  })
}

output "private_ip" {
  value = aws_instance.trainer.private_ip
}

output "instance_id" {
  value = aws_instance.trainer.id
}
