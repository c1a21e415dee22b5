"""The printed text of a warm ``monitor``, kept beside the cache so that the next run with the
same inputs prints it instead of decoding the kept values and laying thousands of lines out
again (a year of forecasts explains thousands of projects).

A view is keyed by everything its text depends on: the code (the cache key), the ledger's
content (its ``ledger_key``, which the warm stamp vouches for) and the command's inputs (the
format; ``--year`` and ``--as-at`` as written; today's date when either is left to its default,
which depends on it; for the terminal table, the width and whether Rich would write it without
colour). It is kept no longer than the monitoring values it was made from. One file per view
(``<entries>.view-XXXXXXXX``): its key on the first line, the text's length and CRC on the
second, then the text; the oldest go once there are more than ``KEEP``. Only text made of
printable characters and line ends is kept or printed: a file that is not ours, damaged or
forged is never shown as it is.

This module imports no model, report or renderer: a run it answers needs none of them.
"""

from __future__ import annotations

import os
import time
from binascii import crc32

from budgetctl.loading.cacheplace import beside
from budgetctl.loading.ownfiles import read_own, write_own

TYPE_CHECKING = False  # typing itself is not imported on the warm path
if TYPE_CHECKING:
    from pathlib import Path

FORMAT = "budgetctl-monitor-view 1"
KEEP = 8  # views kept per ledger folder (a text view of 10,000 projects is about 1 MB)


def view_of(
    chosen: str, year: str | None, as_at: str | None, today: str | None, layout: tuple[int, bool] | None
) -> str:
    """The key of the view of format ``chosen`` for ``--year`` and ``--as-at`` as written (None:
    the default), ``today`` (ISO; None: today's date) and, for the terminal table, ``layout``:
    the width and whether Rich would write it without colour."""
    defaulted = year is None or as_at is None  # the default year or date is today's
    # time.strftime: datetime.date.today() without importing datetime
    day = (today or time.strftime("%Y-%m-%d")) if defaulted else None
    return repr((chosen, year, as_at, day, layout))


# Where a cache is, as strings (neither pathlib nor the cache module is imported on the warm
# path): its entries file (``FileCache.path``) and its code key (``FileCache.key``).
Place = tuple[str, str]


def _path(place: Place, view: str) -> str:
    return beside(place[0], f".view-{crc32(view.encode()):08x}")


def _head(place: Place, ledger: str, view: str) -> bytes | None:
    """The first line of the view: its key, and the length and CRC of the kept monitoring values
    it was made from (a view is kept no longer than they are: values damaged or replaced since
    drop it, and the next run reads them again; the same values written again keep it); None
    when there are none."""
    values = read_own(beside(place[0], ".monitor.json"), binary=True)  # FileCache.monitor_path
    if values is None:
        return None
    return f"{FORMAT}\t{place[1]}\t{ledger}\t{view}\t{sums(values).decode()}\n".encode()


def shown(place: Place, ledger: str, view: str) -> bytes | None:
    """The text kept for ``view`` of the ledger whose key is ``ledger`` in the cache at
    ``place``, as its UTF-8 bytes (checked to be UTF-8 and printable), or None."""
    head = _head(place, ledger, view)
    data = read_own(_path(place, view), binary=True) if head is not None else None
    if data is None or head is None or not data.startswith(head):
        return None
    written, _, body = data[len(head) :].partition(b"\n")
    if written != sums(body):  # cut short or damaged
        return None
    try:
        body.decode()  # the whole text first: ``safe`` looks only at what is not ASCII
    except UnicodeDecodeError:
        return None
    return body if safe(body) else None


def sums(body: bytes) -> bytes:
    """The length and CRC of ``body``, as a kept view's line gives them."""
    return f"{len(body)} {crc32(body):08x}".encode()


# Printable ASCII and the line end: the most of a report's bytes, which ``safe`` sets aside.
_ASCII_SHOWN = bytes(range(0x20, 0x7F)) + b"\n"


def safe(body: bytes) -> bool:
    """Whether ``body``, UTF-8 text, holds only printable characters and line ends (CSV's CR LF
    too): what every format of the report writes, escaping anything else. Only what is left once
    the printable ASCII is set aside is looked at (an ASCII byte is never part of another
    character in UTF-8): a few characters of a megabyte."""
    if b"\r" in body:
        body = body.replace(b"\r\n", b"\n")
    try:
        return body.translate(None, _ASCII_SHOWN).decode().isprintable()
    except UnicodeDecodeError:
        return False


def keep(place: Place, ledger: str, view: str, text: str) -> None:
    """Keep ``text`` as ``view`` of the ledger whose key is ``ledger`` in the cache at ``place``;
    the oldest views beyond ``KEEP`` go. A failure is ignored (the next run makes the text again)."""
    try:
        body = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: not text a view can hold
        return
    head = _head(place, ledger, view) if safe(body) else None
    if head is None:
        return
    from pathlib import Path  # loaded already: the report was made

    path = Path(_path(place, view))
    write_own(path, b"%s%s\n%s" % (head, sums(body), body))
    prune(path, f"{Path(place[0]).stem}.view-")


def prune(path: Path, prefix: str, kept: int = KEEP) -> None:
    """Remove the oldest files beside ``path`` (just written) named ``prefix...`` so that at most
    ``kept`` are left with it. A failure is ignored: the next run prunes again."""
    try:
        with os.scandir(path.parent) as entries:
            views = [e for e in entries if e.name.startswith(prefix) and e.name != path.name and e.is_file()]
        views.sort(key=lambda e: e.stat().st_mtime_ns)
        for entry in views[: max(0, len(views) - kept + 1)]:
            os.unlink(entry.path)  # noqa: PTH108  # a DirEntry's path, without making a Path
    except OSError:
        return
