# An Automation runbook as a Terraform aws_ssm_document on LocalStack; `action` names its one
# step's action (a test sets an action that does not exist to see SSM refuse it).

variable "name" {
  type    = string
  default = "tf-runbook"
}

variable "action" {
  type    = string
  default = "aws:executeAwsApi"
}

resource "aws_ssm_document" "runbook" {
  name            = var.name
  document_type   = "Automation"
  document_format = "JSON"
  content = jsonencode({
    schemaVersion = "0.3"
    outputs       = ["whoami.Account"]
    mainSteps = [{
      name    = "whoami"
      action  = var.action
      inputs  = { Service = "sts", Api = "GetCallerIdentity" }
      outputs = [{ Name = "Account", Selector = "$.Account", Type = "String" }]
    }]
  })
}

output "name" {
  value = aws_ssm_document.runbook.name
}
