# A golden Debian image built by Packer's amazon-ebs builder over Session Manager, as on AWS: the
# only LocalStack-specific setting is `endpoint` (custom_endpoint_ec2, which the AWS SDK in Packer
# uses for every service it calls: EC2, SSM, IAM, STS). Needs Packer >= 1.6.4 (Debian's 1.6.6 has
# it), AWS's session-manager-plugin on PATH and an instance profile named `instance_profile`.
#
#   packer build -var endpoint=http://127.0.0.1:4566 examples/packer/debian-hello.pkr.hcl
#
# Credentials come from the environment as usual (AWS_ACCESS_KEY_ID selects LocalStack's account).

variable "endpoint" {
  type    = string
  default = "http://127.0.0.1:4566"
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "ami_name" {
  type    = string
  default = "debian-hello"
}

variable "instance_profile" {
  type    = string
  default = "packer-ssm"
}

source "amazon-ebs" "debian" {
  custom_endpoint_ec2  = var.endpoint
  region               = var.region
  source_ami           = "ami-0d3b1a2c3d4e5f607" # Debian 13 (make ami-debian)
  instance_type        = "t3.micro"
  ami_name             = var.ami_name
  ami_description      = "Debian 13 with the hello service"
  iam_instance_profile = var.instance_profile
  communicator         = "ssh"
  ssh_interface        = "session_manager"
  ssh_username         = "admin"
  ssh_timeout          = "5m"
  tags = {
    Builder = "packer"
  }
}

build {
  sources = ["source.amazon-ebs.debian"]

  # A file and a service that needs no package (a shell script and its systemd unit, enabled)
  provisioner "file" {
    source      = "${path.root}/files/"
    destination = "/tmp"
  }

  provisioner "shell" {
    inline = [
      "sudo install -m 644 /tmp/hello.txt /etc/hello.txt",
      "sudo install -m 755 /tmp/hello-service /usr/local/bin/hello-service",
      "sudo install -m 644 /tmp/hello.service /etc/systemd/system/hello.service",
      "sudo install -d /etc/systemd/system/multi-user.target.wants",
      "sudo ln -sf /etc/systemd/system/hello.service /etc/systemd/system/multi-user.target.wants/hello.service",
      "rm /tmp/hello.txt /tmp/hello-service /tmp/hello.service",
    ]
  }
}
