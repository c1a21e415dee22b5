"""Rich consoles for data: no markup, no highlighting, sensible width when piped."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def _make(stderr: bool) -> Console:
    # Data never goes through Rich markup ("[/]" in a title would crash, "[link=...]"
    # would become a hyperlink). Piped output is not wrapped at 80 columns.
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 200
    return Console(file=stream, markup=False, highlight=False, emoji=False, width=width, soft_wrap=False)


def stdout() -> Console:
    return _make(stderr=False)


def stderr() -> Console:
    return _make(stderr=True)
