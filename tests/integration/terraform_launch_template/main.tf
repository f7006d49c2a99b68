# An instance launched from a launch template on LocalStack: the template gives the AMI, user
# data, metadata options and tags; the instance overrides the instance type and adds a tag.

variable "ami" {
  type    = string
  default = "ami-0b5b0b5b0b5b0b5b0"
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
