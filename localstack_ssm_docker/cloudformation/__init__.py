"""CloudFormation resource providers for SSM types LocalStack's template engine would otherwise
deploy as fakes (AWS::SSM::Document, AWS::SSM::Association): they call this LocalStack's SSM, so
a stack's documents and associations are real."""
