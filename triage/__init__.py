"""triage: sorts Vietnamese citizens' opinions on land-use-right certificates."""

__version__ = "0.1.0"
