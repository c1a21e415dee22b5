"""The written board paper kept beside the cache, so that the next ``report`` of the same ledger
content prints it instead of building the streams, decoding every allocation of the year and
laying the paper out again.

A view is keyed by everything its text depends on but the date line: the code (the cache key),
the ledger's content (its ``ledger_key``, which the warm stamp vouches for) and the command's
inputs (the format, ``--projects``, ``--year`` as written, and today's date when the year is left
to its default, which depends on it). The date line ("As at ... · ledger commit ...") names the
day and the commit of this run: it is kept out of the text and written in on each run, escaped as
the renderer escapes it. Only a paper whose check found no problem is kept (so a run it answers
lists none). One file per view and ledger content (``<entries>.board-XXXXXXXX``), as ``loading.monitorviews`` keeps
the monitor's: its key on the first line, where the date line goes, the text's length and CRC on
the second, then the text; the oldest go once there are more than ``KEEP``.

This module imports no model or report: a run it answers needs none of them.
"""

from __future__ import annotations

import os
import time
from binascii import crc32

from budgetctl.loading.monitorviews import prune, safe, sums
from budgetctl.loading.ownfiles import read_own, write_own

TYPE_CHECKING = False  # typing itself is not imported on the warm path
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from budgetctl.loading.cache import FileCache
    from budgetctl.loading.discover import LedgerFiles

FORMAT = "budgetctl-board-view 1"
# Views kept per ledger folder (a paper at 10,000 projects is about 60 kB). More than one ledger
# content: a paper asked for before an edit and after it being undone is still kept.
KEEP = 8


def view_of(format: str, projects: str, year: str | None, today: str | None = None) -> str:
    """The key of the paper in ``format`` (markdown, html) with ``--projects`` ``projects`` for
    ``--year`` as written (None: the default, which depends on ``today``, ISO; None: today)."""
    day = (today or time.strftime("%Y-%m-%d")) if year is None else None
    return repr((format, projects, year, day))


def escaped(format: str, text: str) -> str:
    """``text`` as the renderer of ``format`` writes the paper's date line."""
    from budgetctl.render.text import html_text, md

    return html_text(text) if format == "html" else md(text)


def _path(cache: FileCache, ledger: str, view: str) -> Path:
    return cache.path.with_suffix(f".board-{crc32(f'{ledger} {view}'.encode()):08x}")


def _head(cache: FileCache, ledger: str, view: str) -> str:
    return f"{FORMAT}\t{cache.key}\t{ledger}\t{view}\t"


def shown(cache: FileCache, ledger: str, view: str, format: str, as_at: str) -> str | None:
    """The paper kept for ``view`` of the ledger whose key is ``ledger``, with the date line
    ``as_at`` written in; None when none is kept (or the file is not ours, damaged or forged)."""
    if not cache.enabled:
        return None
    data = read_own(_path(cache, ledger, view), binary=True)
    head = _head(cache, ledger, view).encode()
    if data is None or not data.startswith(head):
        return None
    cut, _, rest = data[len(head) :].partition(b"\n")
    written, _, body = rest.partition(b"\n")
    if written != sums(body) or not cut.isdigit() or int(cut) > len(body) or not safe(body):
        return None
    try:
        before, after = body[: int(cut)].decode(), body[int(cut) :].decode()
    except UnicodeDecodeError:  # a cut inside a character: not a view this module wrote
        return None
    return before + escaped(format, as_at) + after


def keep(cache: FileCache, ledger: str, view: str, text: str, mark: str) -> None:
    """Keep ``text``, the paper written with the date line ``mark`` (a text of letters and digits
    found nowhere else in it), as ``view`` of the ledger whose key is ``ledger``; the oldest
    views beyond ``KEEP`` go. Nothing is kept when ``mark`` is not there exactly once; a failure
    is ignored (the next run writes the paper again)."""
    if not cache.enabled or text.count(mark) != 1:
        return
    before, after = text.split(mark)
    try:
        first, body = before.encode(), before.encode() + after.encode()
    except UnicodeEncodeError:  # a lone surrogate: not text a view can hold
        return
    if not safe(body):
        return
    path = _path(cache, ledger, view)
    head = _head(cache, ledger, view).encode()
    write_own(path, b"%s%d\n%s\n%s" % (head, len(first), sums(body), body))
    prune(path, f"{cache.path.stem}.board-", KEEP)


def mark() -> str:
    """A date line to write a paper with before it is kept: letters and digits no ledger text can
    foresee, which neither renderer escapes."""
    return "AsAt" + os.urandom(12).hex()


def served(
    found: tuple[LedgerFiles | None, FileCache, str, bool], view: str, format: str, as_at: Callable[[], str]
) -> str | None:
    """The paper kept for ``view`` of the ledger ``found`` (its files, cache, ledger key and whether
    it has actuals or forecasts, as ``loading.warm.current`` gives them), with the date line
    ``as_at()`` written in, when the cache's last whole check of that ledger found no problem (a
    run it answers lists none); else None."""
    _, cache, ledger, _ = found
    # Kept only as ``reports.board.warm`` built it: of a ledger with actuals or forecasts, only where
    # the plan alone is clean (``pipeline.streams_only``).
    last = cache.last_check(ledger)
    if last is None or last[0] or last[2]:
        return None
    return shown(cache, ledger, view, format, as_at())
