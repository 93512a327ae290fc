# PostgreSQL feature store for the research sandbox.

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

variable "subnet_ids" {
  type = list(string)
}

variable "security_group_ids" {
  type = list(string)
}

variable "instance_class" {
  type    = string
  default = "db.t4g.large"
}

variable "allocated_storage" {
  description = "Storage in GiB."
  type        = number
  default     = 400
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_db_subnet_group" "this" {
  name       = "${var.name_prefix}-feature-store"
  subnet_ids = var.subnet_ids

  tags = merge(var.tags, {
    component = "database"
  })
}

# MISTAKE (cost): var.instance_class is db.r5.2xlarge from terraform.tfvars,
# oversized for dev, on gp2 storage, and running around the clock.
resource "aws_db_instance" "this" {
  identifier     = "${var.name_prefix}-feature-store"
  engine         = "postgres"
  engine_version = "16"
  instance_class = var.instance_class

  allocated_storage = var.allocated_storage
  storage_type      = "gp2"
  storage_encrypted = true

  db_name                     = "features"
  username                    = "features_admin"
  manage_master_user_password = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = var.security_group_ids
  publicly_accessible    = false
  multi_az               = false

  backup_retention_period = 1
  skip_final_snapshot     = true
  deletion_protection     = false

  tags = merge(var.tags, {
    Name      = "${var.name_prefix}-feature-store"
    component = "database"
  })
}

output "endpoint" {
  value = aws_db_instance.this.endpoint
}
