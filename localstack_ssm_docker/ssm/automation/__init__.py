"""Automation: SSM's runbook engine (documents of type Automation, schemaVersion 0.3)."""
