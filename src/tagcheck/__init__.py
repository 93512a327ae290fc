"""tagcheck: a resource-tag and cost-allocation linter for AWS."""

__version__ = "0.1.0"
