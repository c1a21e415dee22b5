"""A progress display on stderr for long runs, and the decision when to show one.

Shown only when a person is watching: stderr is a terminal, there are
thousands of files, and the output is for reading (text or table). Never in
JSON, CSV, Markdown or GitHub output, and never when stderr is piped, so
nothing a program reads can carry it. Rich is imported only when it is shown.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

# Fewer files than this finish before a display would be worth drawing.
MIN_FILES = 2000
READABLE_FORMATS = frozenset(("text", "table"))
_REFRESH_SECONDS = 0.1


def wanted(file_count: int, output_format: str, stream: IO[str] | None = None) -> bool:
    """Whether a run over ``file_count`` files writing ``output_format`` shows progress."""
    if file_count < MIN_FILES or output_format not in READABLE_FORMATS:
        return False
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


@contextmanager
def shown(total: int, description: str = "Checking files") -> Iterator[Callable[[int], None]]:
    """A transient Rich progress bar on stderr; yields ``advance(done_files)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from budgetctl.render.console import stderr

    # No refresh thread: the checks may fork worker processes, and a fork while
    # another thread holds a lock is unsafe. The bar is redrawn as work is reported.
    bar = Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr(),
        transient=True,
        auto_refresh=False,
    )
    task = bar.add_task(description, total=total)
    last = 0.0

    def advance(done: int) -> None:
        nonlocal last
        bar.advance(task, done)
        now = time.monotonic()
        if now - last >= _REFRESH_SECONDS:
            last = now
            bar.refresh()

    with bar:
        yield advance


@contextmanager
def maybe(total: int, output_format: str) -> Iterator[Callable[[int], None] | None]:
    """``shown`` when ``wanted``, else ``None`` (no display, no Rich import)."""
    if not wanted(total, output_format):
        yield None
        return
    with shown(total) as advance:
        yield advance
