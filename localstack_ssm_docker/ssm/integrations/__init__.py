"""Everything that calls another service of this LocalStack: S3 and CloudWatch Logs output,
SNS and EventBridge, Parameter Store, Resource Groups, stored documents."""
