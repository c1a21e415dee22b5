"""Changing the ledger: imports and canonical writers."""
