"""Atomic writes, git driven safely, the workbook reader, and the reader of plain command lines."""
