"""Gateway handlers: malformed SSM and EC2 requests get AWS's 400 errors, not LocalStack's 500."""
