"""The console's page groups, one module per group of work, each defining ``router``."""
