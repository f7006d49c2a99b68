"""State Manager associations: documents applied to instances now, on a schedule, and to each
instance that comes to match later, run through the Run Command executor."""
