"""SSM Run Command on Docker-backed instances."""
