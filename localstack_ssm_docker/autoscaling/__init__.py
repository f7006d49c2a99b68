"""Auto Scaling groups whose instances are Docker-backed EC2 instances."""
