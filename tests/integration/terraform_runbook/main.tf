# An Automation runbook as a Terraform aws_ssm_document on LocalStack; `action` names its one
# step's action (a test sets an action that does not exist to see SSM refuse it).

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

variable "name" {
  type    = string
  default = "tf-runbook"
}

variable "action" {
  type    = string
  default = "aws:executeAwsApi"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.access_key
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    ssm = var.endpoint
    sts = var.endpoint
    iam = var.endpoint
  }
}

resource "aws_ssm_document" "runbook" {
  name            = var.name
  document_type   = "Automation"
  document_format = "JSON"
  content = jsonencode({
    schemaVersion = "0.3"
    outputs       = ["whoami.Account"]
    mainSteps = [{
      name   = "whoami"
      action = var.action
      inputs = { Service = "sts", Api = "GetCallerIdentity" }
      outputs = [{ Name = "Account", Selector = "$.Account", Type = "String" }]
    }]
  })
}

output "name" {
  value = aws_ssm_document.runbook.name
}
