"""EC2 instances backed by Docker containers."""
