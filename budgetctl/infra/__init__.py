"""Atomic writes and git, driven safely."""
