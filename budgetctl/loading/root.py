"""Where the ledger is: the rule ``discover.find_root`` applies (and says why there is none),
apart so that the warm validate (``loading.warm``) finds it without importing discovery.

The rule is worked on path strings, written as pathlib writes them (``pure``): on a POSIX
system pathlib is not imported (with what it imports, ``urllib.parse`` and ``ipaddress``
among them, a tenth of a warm run)."""

from __future__ import annotations

import errno
import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

STREAMS_FILE = "streams.yaml"  # model.kinds.STREAMS_FILE (that module is not imported here)
_POSIX = os.name == "posix"
# The errors for which pathlib's ``exists`` and ``is_file`` answer False instead of raising.
_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
_MISSING_ON_WINDOWS = (21, 123, 1921)  # not ready, an invalid name, a name that cannot be resolved


def pure(path: str) -> str:
    """``str(Path(path))``: no empty or ``.`` part, no final separator, ``.`` for nothing."""
    if not _POSIX:
        from pathlib import Path

        return str(Path(path))
    top = "//" if path[:2] == "//" and path[2:3] != "/" else "/" if path[:1] == "/" else ""  # as POSIX keeps them
    return top + "/".join([part for part in path.split("/") if part and part != "."]) or "."


def joined(folder: str, relative: str) -> str:
    """``str(Path(folder) / relative)`` of a ``pure`` folder."""
    if not _POSIX:
        from pathlib import Path

        return str(Path(folder) / relative)
    if relative[:1] == "/":
        return pure(relative)
    return pure(folder + "/" + relative) if folder[-1:] != "/" else pure(folder + relative)


def absolute(path: str) -> bool:
    """``Path(path).is_absolute()``."""
    if not _POSIX:
        from pathlib import Path

        return Path(path).is_absolute()
    return path[:1] == "/"


def parents(path: str) -> Iterator[str]:
    """``Path(path).parents`` of a ``pure`` path, nearest first."""
    if not _POSIX:
        from pathlib import Path

        yield from map(str, Path(path).parents)
        return
    while True:
        up = os.path.dirname(path) or "."
        if up == path:
            return
        yield up
        path = up


def resolved(path: str) -> str:
    """``str(Path(path).resolve())``: the real path; RuntimeError for a loop of links."""
    found = os.path.realpath(path)
    try:
        os.stat(found)
    except OSError as error:
        if error.errno == errno.ELOOP or getattr(error, "winerror", 0) == _MISSING_ON_WINDOWS[2]:
            raise RuntimeError(f"Symlink loop from {error.filename!r}") from None
    return found


def _is_file(path: str) -> bool:
    """``Path(path).is_file()``: False when missing, raises OSError when it cannot be looked at."""
    found = stat_if_there(path)
    return found is not None and stat.S_ISREG(found.st_mode)


def stat_if_there(path: str) -> os.stat_result | None:
    """``os.stat(path)`` as pathlib's ``exists``/``is_file`` take it: None when missing (or a name
    no file can have), raises OSError when it cannot be looked at."""
    try:
        return os.stat(path)
    except OSError as error:
        if error.errno in _MISSING or getattr(error, "winerror", None) in _MISSING_ON_WINDOWS:
            return None
        raise
    except ValueError:
        return None


def given_data(data: str | os.PathLike[str] | None) -> str | os.PathLike[str] | None:
    """Where the ledger is said to be: ``--data``, else $BUDGETCTL_DATA, else nowhere."""
    return data if data is not None else os.environ.get("BUDGETCTL_DATA") or None


def located(data: str | os.PathLike[str] | None, cwd: str) -> str | None:
    """``locate`` with the working folder and the ledger folder as strings (as ``str`` of the Paths)."""
    given = given_data(data)
    cwd = pure(cwd)
    if given is not None:
        root = joined(cwd, os.fspath(given))
        if ".." in root.split(os.sep):
            # Display paths are taken from the folder above the ledger: for "x/.." that
            # is x, not the parent the system means.
            root = resolved(root)
        return root if _is_file(joined(root, STREAMS_FILE)) else None
    for folder in (cwd, *parents(cwd)):
        if _is_file(joined(folder, "data/" + STREAMS_FILE)):
            return joined(folder, "data")
    return None


def locate(data: str | os.PathLike[str] | None, cwd: Path) -> Path | None:
    """The ledger folder (``discover.find_root``, which says why there is none): ``--data``,
    else $BUDGETCTL_DATA, else ./data, else the nearest parent folder holding
    ``data/streams.yaml``. Raises OSError for a given folder that cannot be looked at."""
    from pathlib import Path

    found = located(data, str(cwd))
    return None if found is None else Path(found)
