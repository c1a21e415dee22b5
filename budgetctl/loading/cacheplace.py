"""Where a ledger's cache files are and the key of the code that writes them: apart from
``cache``, so that a warm ``validate`` finds its stamp (``loading.warm``) without importing
json or hashlib (hashlib loads OpenSSL), which only reading or writing an entry needs."""

from __future__ import annotations

import os
import sys

from budgetctl import __version__
from budgetctl.loading.ownfiles import usable
from budgetctl.loading.root import absolute, joined, parents, pure, resolved, stat_if_there

TYPE_CHECKING = False  # neither typing nor pathlib is imported on the warm path
if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from pathlib import Path

try:  # the built-in SHA-256 (hashlib would load OpenSSL): these texts are short
    if sys.version_info >= (3, 12):
        from _sha2 import sha256  # type: ignore[import-not-found, unused-ignore]
    else:
        from _sha256 import sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
except ImportError:
    from hashlib import sha256  # type: ignore[assignment, unused-ignore]

# Bump when the meaning or shape of an entry changes.
SCHEMA = 2
FORMAT = "budgetctl-cache"


def _set(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")


def disabled_by_env() -> bool:
    """``BUDGETCTL_NO_CACHE=1``; and in CI (``CI`` set, as every CI service sets it) unless
    ``BUDGETCTL_CACHE=1``: a cache restored into a CI job may have been written by a job that
    ran someone else's pull request, so it is not used unless asked for."""
    if _set("BUDGETCTL_NO_CACHE"):
        return True
    return _set("CI") and not _set("BUDGETCTL_CACHE")


def cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/budgetctl`` (an absolute XDG_CACHE_HOME only), else ``$HOME/.cache/budgetctl``
    (an absolute HOME only): a relative one would put the cache wherever the command runs,
    where no later run finds it. None when there is neither."""
    from pathlib import Path

    found = _cache_folder()
    return None if found is None else Path(found)


def _cache_folder() -> str | None:
    """``cache_dir`` as a string."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if absolute(base):
        return joined(pure(base), "budgetctl")
    home = os.environ.get("HOME")
    if home is not None and not absolute(home):  # empty or relative
        return None
    try:
        found = os.path.expanduser("~")  # ``Path.home()``
    except (KeyError, OSError):  # no home directory
        return None
    if found[:1] == "~":
        return None
    base = joined(pure(found), ".cache")
    return joined(base, "budgetctl") if absolute(base) else None


def place(root: Path) -> tuple[Path, str] | None:
    """The entries file of the ledger at ``root`` (the cache's other files are beside it, by
    suffix) and the code key, as ``cache.FileCache.open`` opens them; None when no usable
    cache directory exists."""
    found = where(str(root))
    if found is None:
        return None
    from pathlib import Path

    return Path(found[0]), found[1]


def where(root: str) -> tuple[str, str] | None:
    """``place`` of the ledger folder ``root`` (``str`` of its Path), as strings: found without
    importing pathlib (``loading.root``)."""
    try:
        found = _cache_folder()
        folder = usable(found) if found is not None else None
        if folder is None:
            return None
        ledger = resolved(root)
        # A ledger repository could ship a cache: never use one inside it.
        if _inside(folder, _repository_top(ledger)) or _inside(folder, ledger):
            return None
        name = sha256(os.fsencode(ledger)).hexdigest()[:32]
        return joined(folder, f"ledger-{name}.jsonl"), code_key()
    except Exception:  # a cache problem must never fail a run
        return None


def beside(entries: str, suffix: str) -> str:
    """The file beside the cache's entries file ``entries`` (``where``'s) with ``suffix`` for its
    own: ``Path.with_suffix`` on strings, for the warm paths that do not import pathlib."""
    return os.path.splitext(entries)[0] + suffix


def _repository_top(root: str) -> str:
    """The git work tree holding the ledger, else the ledger folder itself."""
    for folder in (root, *parents(root)):
        if _exists(joined(folder, ".git")):
            return folder
    return root


def _exists(path: str) -> bool:
    """``Path(path).exists()``: False when missing, raises OSError when it cannot be looked at."""
    return stat_if_there(path) is not None


def _inside(path: str, folder: str) -> bool:
    """``path == folder or folder in path.parents`` of their Paths."""
    same = os.path.normcase
    return same(path) == same(folder) or same(folder) in map(same, parents(path))


def code_key() -> str:
    """budgetctl's version, SCHEMA, the Python version, and the size and modification
    time of each of ``code_files`` (an edited checkout or an upgraded parser gets a
    new key). Found without importing them: a warm run never parses YAML or validates a model."""
    parts = [FORMAT, str(SCHEMA), __version__, sys.version]
    for entry in code_files():
        info = entry.stat()
        parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
    return sha256("\n".join(parts).encode()).hexdigest()


def code_files() -> list[os.DirEntry[str]]:
    """Every module of budgetctl, at any depth, and the top-level files of the installed
    PyYAML, pydantic and pydantic-core (an upgrade changes their version.py at least)."""
    package = os.path.dirname(os.path.dirname(resolved(__file__)))  # ``Path(__file__).resolve().parents[1]``
    folders = []
    for folder, subfolders, _ in os.walk(package):
        subfolders[:] = sorted(s for s in subfolders if s != "__pycache__")
        folders.append(folder)
    for name in _LIBRARIES:
        spec = _spec(name)
        folders.extend(spec.submodule_search_locations or [] if spec else [])
    found = []
    for folder in folders:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith((".py", ".so", ".pyd")):
                found.append(entry)
    return found


def _spec(name: str) -> ModuleSpec | None:
    """``importlib.util.find_spec`` of a top-level package, without importing importlib.util
    (about 1.5 ms of a warm run): the loaded module's spec, else the first finder's."""
    module = sys.modules.get(name)
    if module is not None:
        return module.__spec__
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        spec = find(name, None) if find is not None else None
        if spec is not None:
            return spec
    return None


# Libraries whose installed files decide an entry: the YAML parser and the validator.
_LIBRARIES = ("yaml", "pydantic", "pydantic_core")
