"""Bytes to positioned values to records, with diagnostics: discovery, the YAML and CSV
subsets, actuals rows, schema, cache."""
