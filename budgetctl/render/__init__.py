"""Renderers: the only modules that know about Rich, CSV, JSON or Markdown."""
