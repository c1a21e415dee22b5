"""Bytes to positioned values to records, with diagnostics: discovery, the YAML subset, schema, cache."""
