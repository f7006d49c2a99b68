"""Which instances are managed and Online, and which of them a command's Targets select."""
