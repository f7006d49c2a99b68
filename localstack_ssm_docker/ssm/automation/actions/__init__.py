"""Step actions of Automation runbooks, one module per action family."""
