# State Manager on LocalStack with real instances: a Command document applied by an association
# to every instance tagged Role=web, its output in S3. `terraform apply` returns once the
# association has run on every target (wait_for_success_timeout_seconds).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  description = "LocalStack's gateway"
  type        = string
  default     = "http://127.0.0.1:4566"
}

variable "web_instances" {
  description = "How many instances carry the tag Role=web"
  type        = number
  default     = 2
}

variable "access_key" {
  description = "LocalStack takes a 12-digit access key id as the account id"
  type        = string
  default     = "test"
}

variable "output_bucket" {
  description = "Where the association writes its output"
  type        = string
  default     = "state-manager-output"
}

variable "ami" {
  description = "An AMI backed by a local image (make ami builds this one)"
  type        = string
  default     = "ami-0b5b0b5b0b5b0b5b0"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.access_key
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
    ec2 = var.endpoint
    ssm = var.endpoint
    s3  = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
  }
}

# The instances' role: software in them gets its credentials from the instance metadata service
# (iam/security-credentials/web), issued by this LocalStack's STS.
resource "aws_iam_role" "web" {
  name = "web"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_instance_profile" "web" {
  name = "web"
  role = aws_iam_role.web.name
}

resource "aws_instance" "web" {
  count                = var.web_instances
  ami                  = var.ami
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.web.name
  tags = {
    Name = "web-${count.index}"
    Role = "web"
  }
}

resource "aws_s3_bucket" "output" {
  bucket        = var.output_bucket
  force_destroy = true
}

resource "aws_ssm_document" "configure" {
  name          = "ConfigureWeb"
  document_type = "Command"
  content = jsonencode({
    schemaVersion = "2.2"
    description   = "Writes the site's greeting"
    parameters = {
      Greeting = { type = "String", default = "hello", allowedPattern = "^[a-z ]+$" }
    }
    mainSteps = [{
      action = "aws:runShellScript"
      name   = "configure"
      inputs = {
        runCommand = [
          "mkdir -p /srv/www",
          "echo '{{ Greeting }}' > /srv/www/index.html",
          "echo configured $(hostname)",
        ]
      }
    }]
  })
}

resource "aws_ssm_association" "web" {
  name                             = aws_ssm_document.configure.name
  association_name                 = "configure-web"
  schedule_expression              = "rate(30 minutes)"
  compliance_severity              = "MEDIUM"
  max_concurrency                  = "50%"
  max_errors                       = "0"
  wait_for_success_timeout_seconds = 120

  parameters = {
    Greeting = "hello from state manager"
  }

  targets {
    key    = "tag:Role"
    values = ["web"]
  }

  output_location {
    s3_bucket_name = aws_s3_bucket.output.id
    s3_key_prefix  = "associations"
  }

  depends_on = [aws_instance.web]
}

output "association_id" {
  value = aws_ssm_association.web.association_id
}

output "instance_ids" {
  value = aws_instance.web[*].id
}
