"""Rich consoles for data: no markup, no highlighting, sensible width when piped; one colour rule."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing itself is not imported: the warm validate starts without it
if TYPE_CHECKING:
    from typing import TextIO

    from rich.console import Console


def colour_wanted(stream: TextIO) -> bool:
    """The one colour rule of every command: NO_COLOR (non-empty) turns colour off, else
    FORCE_COLOR (non-empty, not 0) turns it on even when piped, else colour on a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force and force != "0":
        return True
    return stream.isatty()


def plain_stdout() -> bool:
    """Whether Rich would write standard output without styles (no colour) and with its Unicode
    box characters (a UTF-8 output): then what it prints can be written without it."""
    encoding = (getattr(sys.stdout, "encoding", "utf-8") or "utf-8").lower()
    return not colour_wanted(sys.stdout) and encoding.startswith("utf")


def _make(stderr: bool) -> Console:
    from rich.console import Console

    # Data never goes through Rich markup ("[/]" in a title would crash, "[link=...]"
    # would become a hyperlink). Piped output is not wrapped at 80 columns.
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 200
    colour = colour_wanted(stream)
    return Console(
        file=stream,
        markup=False,
        highlight=False,
        emoji=False,
        width=width,
        soft_wrap=False,
        force_terminal=colour,
        no_color=not colour,
        # Forced colour into a pipe (a CI log) gets the 16 standard colours every viewer shows.
        color_system=None if not colour else "auto" if stream.isatty() else "standard",
    )


def stdout() -> Console:
    return _make(stderr=False)


def stderr() -> Console:
    return _make(stderr=True)


def stdout_width() -> int:
    """The width ``stdout()`` lays text out to: known without importing Rich when piped, with no
    COLUMNS (the 200 that ``_make`` gives it) or with COLUMNS in digits (Rich takes it as it is)."""
    if not sys.stdout.isatty():
        columns = os.environ.get("COLUMNS")
        if not columns:
            return 200
        if columns.isdigit() and columns.isascii():
            return int(columns)
    return stdout().width


def show_failure(message: str) -> None:
    """``budgetctl: <message>`` in red on stderr, one line however long: how a user error ends a command."""
    from rich.text import Text

    from budgetctl.diagnostics import printable

    # soft_wrap: one line, however long (a path can be thousands of characters).
    stderr().print(Text(f"budgetctl: {printable(message)}", style="red"), soft_wrap=True)
