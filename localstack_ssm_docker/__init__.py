"""Real AWS Systems Manager Run Command for LocalStack, on Docker-backed EC2 instances."""

__version__ = "0.1.0"
