"""Reading ledger files into plain positioned data: the YAML and CSV subsets, actuals rows."""
