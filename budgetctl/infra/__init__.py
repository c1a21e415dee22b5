"""Atomic writes, git driven safely, and the workbook reader."""
