"""The instance metadata service: what 169.254.169.254 answers inside every Docker-backed
instance."""
