# The AWS provider at a LocalStack, shared by the test configurations (the test copies this file
# beside each one's main.tf): `endpoint` and `access_key` (the account) come from the test.

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

provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.access_key
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    autoscaling = var.endpoint
    ec2         = var.endpoint
    iam         = var.endpoint
    ssm         = var.endpoint
    sts         = var.endpoint
  }
}
