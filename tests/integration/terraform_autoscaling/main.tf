# An Auto Scaling group on LocalStack from a launch template: `desired` scales it, `team` changes
# a tag (members launched afterwards get it), a new `instance_type` is a new template version
# that the group's instance_refresh rolls out.

variable "ami" {
  type    = string
  default = "ami-0b5b0b5b0b5b0b5b0"
}

variable "instance_type" {
  type    = string
  default = "t3.micro"
}

variable "team" {
  type    = string
  default = "web"
}

variable "desired" {
  type    = number
  default = 2
}

resource "aws_launch_template" "web" {
  name                   = "tf-asg-web"
  image_id               = var.ami
  instance_type          = var.instance_type
  update_default_version = true
}

resource "aws_autoscaling_group" "web" {
  name                      = "tf-asg-web"
  availability_zones        = ["us-east-1a", "us-east-1b"]
  min_size                  = 1
  max_size                  = 4
  desired_capacity          = var.desired
  health_check_grace_period = 0

  launch_template {
    id      = aws_launch_template.web.id
    version = aws_launch_template.web.latest_version
  }

  tag {
    key                 = "team"
    value               = var.team
    propagate_at_launch = true
  }

  instance_refresh {
    strategy = "Rolling"
    preferences {
      min_healthy_percentage = 50
      instance_warmup        = "0"
    }
  }
}

output "group_name" {
  value = aws_autoscaling_group.web.name
}

output "template_id" {
  value = aws_launch_template.web.id
}
