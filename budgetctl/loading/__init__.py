"""Bytes to positioned values to records, with diagnostics: discovery on disk and in git, the YAML
and CSV subsets, actuals rows, the schema, the check of one file, and around it the cache, its
codec and the worker pool."""
