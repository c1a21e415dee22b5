"""The cache's own files (entries, last check, stat index, fmt's canonical set): read only when
they are ours, regular, ASCII and not too large; written atomically, owner-only, never through
a link. Every failure means running without them."""

from __future__ import annotations

import os
import stat
from operator import attrgetter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Collection, Sequence
    from pathlib import Path

# A cache file larger than this is not read (about 600 bytes per project file).
MAX_CACHE_BYTES = 512 * 1024 * 1024


def usable_folder(folder: Path) -> Path | None:
    """The cache folder with its parents resolved, if it is ours or can be made: a symbolic
    link there (dangling or not) would send the cache elsewhere, and another user's folder
    is theirs."""
    found = usable(str(folder))
    return None if found is None else type(folder)(found)


def usable(folder: str) -> str | None:
    """``usable_folder`` of a folder written as pathlib writes it (``root.pure``), as a string:
    found without importing pathlib."""
    from budgetctl.loading.root import joined, resolved

    folder = joined(resolved(os.path.dirname(folder)), os.path.basename(folder))
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return folder  # made, owner-only, when the cache is first written
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return folder


def open_own(path: str | Path) -> tuple[int, int] | None:
    """A cache file opened for reading and its size, or None when it is missing, a symbolic
    link, someone else's, not a regular file or too large (the caller closes it)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        return None
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if not stat.S_ISREG(info.st_mode) or not mine or info.st_size > MAX_CACHE_BYTES:
        os.close(fd)
        return None
    return fd, info.st_size


def read_own(path: str | Path, *, binary: bool = False) -> bytes | None:
    """A cache file's bytes, or None when it is missing, a symbolic link, someone else's,
    too large, being rewritten, or holds anything but ASCII (all we write as text;
    ``binary``: any bytes, for a file the caller checks itself)."""
    opened = open_own(path)
    if opened is None:
        return None
    fd, size = opened
    try:
        # One read of what fstat saw and one more byte (a buffered reader would copy it once more).
        data = os.read(fd, size + 1)
        while len(data) <= size:
            more = os.read(fd, size + 1 - len(data))
            if not more:
                break
            data += more
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) != size or not (binary or data.isascii()):
        return None
    return data


# What tells one version of a file from another (a file rewritten while it was read differs in one).
_VERSION = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev", "st_mode")


def read_steady(path: str | Path) -> tuple[bytes, os.stat_result] | None:
    """``read_own``'s bytes (any bytes: the caller checks them) of a file that did not change
    while they were read: taken between two stats that agree on its size, times, identity and
    mode; with the second stat. None otherwise."""
    try:
        before = os.lstat(path)
        data = read_own(path, binary=True)
        after = os.lstat(path)
    except OSError:
        return None
    if data is None or _VERSION(before) != _VERSION(after):
        return None
    return data, after


def ready_folder(folder: Path) -> bool:
    """Whether the cache folder is ours, made owner-only when missing; raises OSError."""
    import contextlib  # here: a warm run that only reads imports none of it

    if usable_folder(folder) is None:  # replaced by a link or another user's since opened
        return False
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)  # never through a link: mkdir refuses an existing name
    return usable_folder(folder) is not None


def write_own(path: Path, data: bytes | Sequence[bytes]) -> None:
    """Write a cache file atomically (bytes, or pieces one after the other), readable by its
    owner only; a failure is ignored. The file is fsynced before it is renamed into place, so
    a crash leaves it old or new, whole; the folder is not (``durable=False``): a crash may
    lose the rename, and the old file, whole and named by its own keys, is then read, or not
    used (each file says which ledger, code and table it belongs to)."""
    import contextlib

    from budgetctl.infra.atomic import write_atomic

    try:
        if not ready_folder(path.parent):
            return
        with contextlib.suppress(FileNotFoundError):
            info = os.lstat(path)
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                # Not ours, in our folder: never read, and the writer would give the new file
                # the old owner (as root), so it would never be read either. Ours replaces it.
                path.unlink()
        write_atomic(path, data, mode=0o600, durable=False)
    except Exception:  # read-only, full, a symlink...: run without a cache
        return


class Spool:
    """A cache file written a few lines at a time as they are made (a large one is never held
    whole): a temporary file beside it, owner-only, opened for appending, put in its place by
    ``finish`` (fsynced, then renamed over it, as ``write_own`` writes), or removed (``discard``,
    or when it is forgotten). Every failure means the file is not written."""

    def __init__(self, fd: int, temporary: Path) -> None:
        import weakref

        self.fd = [fd]  # -1 once closed: the removal below must not close a number reused since
        self.temporary = temporary
        self.failed = False
        # A run that never saves leaves nothing (a forked worker, which holds a copy, never removes it).
        self._removal = weakref.finalize(self, _remove, self.fd, temporary, os.getpid())

    @classmethod
    def open(cls, path: Path, header: bytes) -> Spool | None:
        try:
            if not ready_folder(path.parent):
                return None
            temporary = path.with_name(f".budgetctl-{path.name}-{os.urandom(8).hex()}.tmp")
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(temporary, flags, 0o600)
        except OSError:
            return None
        spool = cls(fd, temporary)
        return spool if spool.write([header]) else None

    def write(self, lines: Collection[bytes | bytearray | memoryview]) -> bool:
        """Append the lines; False (and nothing more written) once a write failed."""
        if self.failed or not append_lines(self.fd[0], lines):
            self.failed = True
            return False
        return True

    def finish(self, path: Path, lines: Collection[bytes]) -> bool:
        """Append ``lines`` and put the file at ``path``; False when that failed (nothing is left)."""
        ok = self.write(lines) if lines else not self.failed
        try:
            if ok and usable_folder(path.parent) is not None:
                os.fsync(self.fd[0])
                fd, self.fd[0] = self.fd[0], -1
                os.close(fd)
                self.temporary.replace(path)
                self._removal.detach()
                return True
        except OSError:
            pass
        self.discard()
        return False

    def discard(self) -> None:
        self._removal()


def append_lines(fd: int, lines: Collection[bytes | bytearray | memoryview]) -> bool:
    """Append the lines to ``FileCache.spool``'s descriptor in one write (it lands whole, whichever
    process writes: the file is opened for appending); False when that failed or fell short (the
    caller then turns caching off: the file is not put in place)."""
    if not lines:
        return True
    data = b"\n".join([*lines, b""])
    try:
        return os.write(fd, data) == len(data)
    except OSError:
        return False


def _remove(fd: list[int], temporary: Path, owner: int) -> None:
    import contextlib

    if fd[0] >= 0:
        with contextlib.suppress(OSError):
            os.close(fd[0])
        fd[0] = -1
    if os.getpid() == owner:
        with contextlib.suppress(OSError):
            temporary.unlink()
