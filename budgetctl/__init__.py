"""budgetctl: a command-line ledger over plain-text budget files kept in git."""

__version__ = "0.1.0"
