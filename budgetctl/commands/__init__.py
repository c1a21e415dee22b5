"""Command groups beyond the core, each registering its commands on ``budgetctl.cli.app``."""
