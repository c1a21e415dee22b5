"""Atomic file replacement: the one way budgetctl writes a file.

A reader (or a crash) sees either the old bytes or the new bytes, never a mix:
the data goes to a temporary file in the same directory, is fsynced, gets the
old file's permissions, and is renamed over the target with `os.replace`.
This avoids failures seen with simpler writes: a SIGKILL during a naive write
left a truncated file; a bare mkstemp + replace turned 0o664 into 0o600;
replace onto a symlink replaced the link.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from budgetctl.diagnostics import UserError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["WriteRefused", "read_for_update", "write_atomic"]

TEMP_PREFIX = ".budgetctl-"
TEMP_SUFFIX = ".tmp"


class WriteRefused(UserError):
    """A write that budgetctl will not perform; str(exc) is a one-line user message."""


def read_for_update(path: Path) -> bytes:
    """Read `path` for a later `write_atomic(path, ..., expected=<these bytes>)`.

    Refuses a symlink, so the bytes read are the bytes that would be replaced.
    """
    _existing_stat(path, must_exist=True)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise WriteRefused(f"cannot read {path}: {_reason(exc)}") from exc


def write_atomic(
    path: Path,
    data: bytes | Sequence[bytes],
    *,
    expected: bytes | None = None,
    mode: int | None = None,
    durable: bool = True,
) -> None:
    """Replace `path` with `data` (bytes, or pieces written one after the other) atomically.

    - A symlink at `path`, a non-regular file, or a missing parent directory is refused.
    - With `expected`, the write is refused unless the file still exists and still
      holds exactly those bytes (it "changed since it was read").
    - An existing file keeps its permission bits (and, when running as root, its
      owner). A new file gets `mode` if given (as is), else 0o666 minus the umask, as
      `open()` would create it.
    - With `durable=False` the folder is not fsynced after the rename: a crash may then
      leave the old file (whole) instead of the new one (whole), which is all a cache needs.

    Raises WriteRefused with a one-line message; no temporary file is left behind
    unless the process itself is killed mid-write.
    """
    old = _existing_stat(path, must_exist=expected is not None)
    if old is not None:
        perms = stat.S_IMODE(old.st_mode)
    elif mode is not None:
        perms = mode
    else:
        perms = 0o666 & ~_umask()

    try:
        fd, tmp = _temporary(path.parent)
    except OSError as exc:
        raise WriteRefused(f"cannot write {path}: {_reason(exc)}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in [data] if isinstance(data, bytes) else data:
                handle.write(piece)
            handle.flush()
            if old is not None:
                _copy_owner(handle.fileno(), old)
            # chmod after chown: chown clears setuid/setgid bits.
            os.fchmod(handle.fileno(), perms)
            os.fsync(handle.fileno())
        if expected is not None:
            # Checked as late as possible, so the window for a lost update is
            # only the rename below, not the whole write.
            _check_unchanged(path, expected)
        tmp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise WriteRefused(f"cannot write {path}: {_reason(exc)}") from exc
        raise
    if durable:
        fsync_directory(path.parent)


def _temporary(folder: Path) -> tuple[int, Path]:
    """A new file in ``folder`` as ``tempfile.mkstemp`` makes one (a name never used, mode 0o600),
    without importing tempfile (and shutil, random...): a run that keeps its cache writes."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        name = folder / f"{TEMP_PREFIX}{os.urandom(6).hex()}{TEMP_SUFFIX}"
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary name in {folder}")


def _existing_stat(path: Path, *, must_exist: bool) -> os.stat_result | None:
    """lstat `path`, refusing what must not be replaced; None when it does not exist."""
    if not path.parent.is_dir():
        raise WriteRefused(f"cannot write {path}: directory {path.parent} does not exist")
    try:
        st = path.lstat()
    except FileNotFoundError:
        if must_exist:
            raise WriteRefused(f"{path} no longer exists; not writing it") from None
        return None
    except OSError as exc:
        raise WriteRefused(f"cannot write {path}: {_reason(exc)}") from exc
    if stat.S_ISLNK(st.st_mode):
        # os.replace would swap the link for a regular file and leave the
        # target stale; following it could write outside the ledger.
        raise WriteRefused(f"refusing to write {path}: it is a symbolic link")
    if not stat.S_ISREG(st.st_mode):
        raise WriteRefused(f"refusing to write {path}: it is not a regular file")
    return st


def _check_unchanged(path: Path, expected: bytes) -> None:
    """Refuse when `path` no longer holds `expected` (another editor saved it meanwhile)."""
    _existing_stat(path, must_exist=True)
    if path.read_bytes() != expected:
        raise WriteRefused(f"{path} changed since it was read; not overwriting it")


def _copy_owner(fd: int, old: os.stat_result) -> None:
    """Give the temp file the old owner; only root can, and failing is not fatal."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    with contextlib.suppress(OSError):
        os.fchown(fd, old.st_uid, old.st_gid)


def _umask() -> int:
    """The process umask (os.umask can only be read by setting it)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def fsync_directory(folder: Path) -> None:
    """Make the rename durable; some platforms cannot open or fsync a directory."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    """The OS's short explanation, without the repeated path or errno."""
    return exc.strerror or str(exc)
