"""Reports: neutral values built from a checked ledger (tables keyed by column, the board paper,
the diff of two ledgers, exports); ``budgetctl.render`` turns them into output."""
