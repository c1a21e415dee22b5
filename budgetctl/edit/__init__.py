"""Everything that writes ledger files: fmt, new, init, import."""
