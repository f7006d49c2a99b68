# An instance launched from a launch template on LocalStack: the template gives the AMI, user
# data, metadata options and tags; the instance overrides the instance type and adds a tag.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  type    = string
  default = "http://127.0.0.1:4566"
}

variable "access_key" {
  type    = string
  default = "test"
}

variable "ami" {
  type    = string
  default = "ami-0b5b0b5b0b5b0b5b0"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.access_key
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    ec2 = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
  }
}

resource "aws_launch_template" "web" {
  name          = "tf-web"
  image_id      = var.ami
  instance_type = "t3.micro"
  user_data     = base64encode("#!/bin/sh\necho provisioned by terraform\n")

  metadata_options {
    http_endpoint          = "enabled"
    http_tokens            = "required"
    instance_metadata_tags = "enabled"
  }

  tag_specifications {
    resource_type = "instance"
    tags = {
      Team = "web"
    }
  }
}

resource "aws_instance" "web" {
  instance_type = "t3.small"

  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }

  tags = {
    Name = "tf-web"
  }
}

output "instance_id" {
  value = aws_instance.web.id
}

output "template_id" {
  value = aws_launch_template.web.id
}

output "template_version" {
  value = aws_instance.web.launch_template[0].version
}
