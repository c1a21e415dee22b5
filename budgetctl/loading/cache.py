"""A cache of checked ledger files that cannot lie: keyed by content, JSON, outside the ledger.

One JSON Lines file per ledger folder in the user's cache directory
(``$XDG_CACHE_HOME/budgetctl``, else ``~/.cache/budgetctl``). Each entry is
keyed by the file's display path and the SHA-256 of its bytes, and holds what
checking that file produced: its loader problems, its schema problems and its
validated model (a project, or streams.yaml) as JSON-safe values, money as
exact decimal text. The whole cache is keyed by budgetctl's version,
``SCHEMA``, the Python version and a fingerprint of budgetctl's modules and
the installed PyYAML and pydantic, so no other budgetctl reads an entry.

Beside it, ``.check.json`` keeps the last whole check of the ledger (every
problem, from every stage and rule), keyed by every file's display path and
bytes: ``validate`` on a ledger that has not changed reads, hashes and prints,
and neither parses, validates nor runs a rule. Any change to any file's bytes,
or a file added, removed or renamed, gives another key, so the rules run again.

Nothing here can fail a run: a cache that is missing, unreadable, not ours,
malformed, a symbolic link or inside the ledger's repository is ignored (and
rewritten), and a cache that cannot be written is skipped. No pickle: a cache
file is data that is checked before use, never code, and every value decoded
from it is held to the rules a value parsed from a file meets (a forged entry is
at worst ignored). ``--no-cache`` or ``BUDGETCTL_NO_CACHE=1`` bypass it entirely
(nothing is read or written); so does ``CI`` being set, unless ``BUDGETCTL_CACHE=1``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import hashlib
import json
import os
import re
import stat
import sys
import types
import typing
from decimal import Decimal
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]  # exists at runtime; typeshed omits it
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budgetctl import __version__
from budgetctl.diagnostics import FORBIDDEN, Diagnostic, Severity
from budgetctl.model.records import Converter, fields_of, is_record, shared
from budgetctl.model.source import Scalar

if TYPE_CHECKING:
    from budgetctl.loading.discover import LedgerFiles
    from budgetctl.loading.statindex import StatIndex

# Bump when the meaning or shape of an entry changes.
SCHEMA = 2
FORMAT = "budgetctl-cache"
# A cache file larger than this is not read (about 600 bytes per project file).
MAX_CACHE_BYTES = 512 * 1024 * 1024


class Malformed(Exception):
    """A cache entry that does not have exactly the shape this version writes."""


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
    base = Path(os.environ.get("XDG_CACHE_HOME", ""))
    if base.is_absolute():
        return base / "budgetctl"
    home = os.environ.get("HOME")
    if home is not None and not Path(home).is_absolute():  # empty or relative
        return None
    try:
        base = Path.home() / ".cache"
    except (RuntimeError, KeyError, OSError):  # no home directory
        return None
    return base / "budgetctl" if base.is_absolute() else None


def _usable_folder(folder: Path) -> Path | None:
    """The cache folder with its parents resolved, if it is ours or can be made: a symbolic
    link there (dangling or not) would send the cache elsewhere, and another user's folder
    is theirs."""
    folder = folder.parent.resolve() / folder.name
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return folder  # made, owner-only, when the cache is first written
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return folder


def digest(data: bytes) -> str:
    """The content key of one file (as ``RawFile.digest``)."""
    return hashlib.sha256(data).hexdigest()


def _repository_top(root: Path) -> Path:
    """The git work tree holding the ledger, else the ledger folder itself."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return root


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _code_key() -> str:
    """budgetctl's version, SCHEMA, the Python version, and the size and modification
    time of every module of budgetctl and of the installed PyYAML, pydantic and
    pydantic-core (an edited checkout or an upgraded parser gets a new key). Found
    without importing them: a warm run never parses YAML or validates a model."""
    import importlib.util

    parts = [FORMAT, str(SCHEMA), __version__, sys.version]
    package = Path(__file__).resolve().parents[1]  # budgetctl/, not loading/: every stage decides an entry
    folders = [package, *(p for p in package.iterdir() if (p / "__init__.py").is_file())]
    for name in _LIBRARIES:  # their top-level files: an upgrade changes version.py at least
        spec = importlib.util.find_spec(name)
        folders.extend(Path(f) for f in (spec.submodule_search_locations or [] if spec else []))
    for folder in folders:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith((".py", ".so", ".pyd")):
                info = entry.stat()
                parts.append(f"{entry.path}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# Libraries whose installed files decide an entry: the YAML parser and the validator.
_LIBRARIES = ("yaml", "pydantic", "pydantic_core")


class FileCache:
    """The cached entries of one ledger folder: ``get`` on read, ``put`` on a miss, ``save`` once.

    The file is JSON Lines: a header ``{"format": ..., "key": ...}``, then one
    line per project file, ``[content key, display path, loader problems,
    schema problems, project]``. A line is parsed only when its file's content
    key matches, and lines that still match are written back as they were read.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self._old: dict[str, bytes] | None = None  # read on first use
        self._new: dict[str, bytes] = {}
        self._changed = False
        self.enabled = True
        # Checks rebuilt from entries this run, by (display path, content key): a second ledger
        # in the same run (the other side of a diff) reuses them instead of decoding again.
        self.decoded: dict[tuple[str, str], Any] = {}

    @classmethod
    def open(cls, root: Path) -> FileCache | None:
        """The cache for the ledger at ``root``; None when no usable cache directory exists.
        Nothing is read until an entry is asked for."""
        try:
            found = cache_dir()
            folder = _usable_folder(found) if found is not None else None
            if folder is None:
                return None
            ledger = root.resolve()
            # A ledger repository could ship a cache: never use one inside it.
            if _inside(folder, _repository_top(ledger)) or _inside(folder, ledger):
                return None
            name = hashlib.sha256(os.fsencode(ledger)).hexdigest()[:32]
            return cls(folder / f"ledger-{name}.jsonl", _code_key())
        except Exception:  # a cache problem must never fail a run
            return None

    def stat_index(self) -> StatIndex:
        """The stat-keyed index of this ledger's files (``loading.statindex``), kept beside the entries."""
        from budgetctl.loading.statindex import StatIndex

        return StatIndex(self.path.with_suffix(".stat") if self.enabled else None)

    @property
    def check_path(self) -> Path:
        """Where the last whole-ledger check is kept, beside the entries."""
        return self.path.with_suffix(".check.json")

    def _entries(self) -> dict[str, bytes]:
        if self._old is None:
            self._old = self._read()
        return self._old

    def _read(self) -> dict[str, bytes]:
        """Each stored line by display path, or none when the file is missing or not exactly ours."""
        data = _read_own(self.path)
        if data is None:
            return {}
        header, *body = data.split(b"\n")
        if not self._our_header(header):
            return {}
        if body and body[-1] == b"":
            body.pop()
        lines: dict[str, bytes] = {}
        for line in body:
            # ["<64 hex digits>","<path>",...: the path is read without parsing the rest.
            if line[:2] != b'["' or line[66:69] != b'","':
                return {}
            try:
                path, _ = _scanstring(line[69:].decode("ascii"), 0)
            except ValueError:
                return {}
            lines[path] = line
        return lines

    def _our_header(self, line: bytes) -> dict[str, Any] | None:
        try:
            head = json.loads(line)
        except (ValueError, RecursionError):
            return None
        if type(head) is not dict or head.get("format") != FORMAT or head.get("key") != self.key:
            return None
        return head

    def last_check(self, ledger: str) -> tuple[list[Diagnostic], int, bool] | None:
        """The problems, file count and incompleteness of the last whole check of the ledger
        whose ``ledger_key`` is ``ledger``, or None (never checked, since changed, or damaged)."""
        found = self._read_check(ledger)
        if found is None:
            return None
        head, body = found
        count, incomplete = head.get("files"), head.get("incomplete")
        if type(count) is not int or type(incomplete) is not bool:
            return None
        try:
            problems = [_decode_problem(json.loads(line)) for line in body if line]
        except (ValueError, RecursionError, Malformed):
            return None
        return problems, count, incomplete

    def _read_check(self, ledger: str) -> tuple[dict[str, Any], list[bytes]] | None:
        """The check file's header and problem lines, if it is ours and holds ``ledger``."""
        data = _read_own(self.check_path) if self.enabled else None
        if data is None:
            return None
        header, *body = data.split(b"\n")
        head = self._our_header(header)
        return None if head is None or head.get("ledger") != ledger else (head, body)

    def last_figures(self, ledger: str) -> dict[str, dict[str, tuple[int, Decimal]]] | None:
        """Each stream's number of allocations and allocated money per year in the last whole
        check of the ledger whose ``ledger_key`` is ``ledger`` (None: never checked, since
        changed, no ledger, or damaged)."""
        found = self._read_check(ledger)
        allocated = found[0].get("allocated") if found is not None else None
        if type(allocated) is not dict:
            return None
        figures: dict[str, dict[str, tuple[int, Decimal]]] = {}
        for stream, years in allocated.items():
            if type(years) is not dict:
                return None
            figures[stream] = {}
            for year, pair in years.items():
                if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not int:
                    return None
                try:
                    figures[stream][year] = (pair[0], _amount(pair[1]))
                except Malformed:
                    return None
        return figures

    def save_check(
        self,
        ledger: str,
        problems: list[Diagnostic],
        file_count: int,
        incomplete: bool,
        figures: dict[str, dict[str, tuple[int, Decimal]]] | None = None,
    ) -> None:
        """Keep this run's whole check of the ledger with key ``ledger`` for the next run, with
        ``figures`` (per stream and year: allocations and money) when the ledger was built (a
        check file that already holds exactly this is left alone; a damaged one is replaced)."""
        if not self.enabled or self.last_check(ledger) is not None:
            return
        head: dict[str, Any] = {
            "format": FORMAT,
            "key": self.key,
            "ledger": ledger,
            "files": file_count,
            "incomplete": incomplete,
        }
        if figures is not None:
            head["allocated"] = {s: {y: [n, str(a)] for y, (n, a) in years.items()} for s, years in figures.items()}
        lines = [json.dumps(head), *(json.dumps([p.file, *_encode_problem(p)]) for p in problems)]
        _write_own(self.check_path, ("\n".join(lines) + "\n").encode())

    def get(self, path: str, key: str) -> list[Any] | None:
        """``[loader problems, schema problems, project]`` stored for ``path`` with content
        ``key`` (kept for the next save), or None. Raises Malformed for a damaged line."""
        if not self.enabled:
            return None
        line = self._entries().get(path)
        if line is None or line[2:66] != key.encode():
            return None
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            raise Malformed("line") from None
        if type(entry) is not list or len(entry) != 5 or entry[0] != key or entry[1] != path:
            raise Malformed("line")
        self._new[path] = line
        return entry[2:]

    def put(self, path: str, key: str, entry: list[Any]) -> None:
        """Store ``[loader problems, schema problems, project]`` for ``path`` with content ``key``."""
        self._new[path] = json.dumps([key, path, *entry], separators=(",", ":")).encode()  # ASCII: one line
        self._changed = True

    def drop(self) -> None:
        """Forget everything read: an entry was malformed, so none of them is trusted."""
        self._old = {}
        self._new = {}
        self.decoded = {}
        self._changed = True

    def disable(self) -> None:
        """Stop caching for this run (something could not be encoded): nothing is written."""
        self.enabled = False

    def save(self) -> None:
        """Write the entries of this run's files (others are forgotten), if anything changed.
        A run that asked for no entry (its whole check came from ``last_check``) writes nothing."""
        if not self.enabled or (self._old is None and not self._changed):
            return
        if not (self._changed or self._new.keys() != self._entries().keys()):
            return
        header = json.dumps({"format": FORMAT, "key": self.key}).encode()
        _write_own(self.path, b"\n".join([header, *self._new.values(), b""]))  # one copy of the lines, no more


def ledger_key(files: LedgerFiles) -> str:
    """The content key of a whole ledger: what discovery refused, then every file's display
    path and content key (the SHA-256 of its bytes), in order (lengths first, so no two
    ledgers run together the same way)."""
    whole = hashlib.sha256()
    for problem in files.problems:
        whole.update(json.dumps(problem.as_json()).encode() + b"\n")
    parts = []
    for raw in files.every_file():
        path = raw.path.encode("utf-8", "surrogateescape")
        parts += [b"%d:" % len(path), path, raw.digest.encode()]
    whole.update(b"".join(parts))
    return whole.hexdigest()


def _read_own(path: Path) -> bytes | None:
    """A cache file's bytes, or None when it is missing, a symbolic link, someone else's,
    too large, being rewritten, or holds anything but ASCII (all we write)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if not stat.S_ISREG(info.st_mode) or not mine or info.st_size > MAX_CACHE_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            # read(n) allocates n bytes up front: ask for what fstat saw (and one more).
            data = handle.read(info.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) != info.st_size or not data.isascii():
        return None
    return data


def _write_own(path: Path, data: bytes) -> None:
    """Write a cache file atomically, readable by its owner only; a failure is ignored."""
    from budgetctl.infra.atomic import write_atomic

    try:
        if _usable_folder(path.parent) is None:  # replaced by a link or another user's since opened
            return
        path.parent.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            path.parent.mkdir(mode=0o700)  # never through a link: mkdir refuses an existing name
        if _usable_folder(path.parent) is None:
            return
        with contextlib.suppress(FileNotFoundError):
            info = os.lstat(path)
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                # Not ours, in our folder: never read, and the writer would give the new file
                # the old owner (as root), so it would never be read either. Ours replaces it.
                path.unlink()
        write_atomic(path, data, mode=0o600)
    except Exception:  # read-only, full, a symlink...: run without a cache
        return


# Entries: [loader problems, schema problems or None when the file did not
# load, the project's fields as JSON-safe values or None when it is invalid].


def encode_problems(problems: list[Diagnostic]) -> list[list[Any]]:
    return [_encode_problem(p) for p in problems]


def _encode_problem(p: Diagnostic) -> list[Any]:
    return [p.code, p.severity.value, p.message, p.line, p.column]


def decode_problems(items: Any, path: str) -> list[Diagnostic]:
    if type(items) is not list:
        raise Malformed("problems")
    return [_decode_problem([path, *item] if type(item) is list else item) for item in items]


def _decode_problem(item: Any) -> Diagnostic:
    """A problem from ``[file, code, severity, message, line, column]``."""
    if type(item) is not list or len(item) != 6:
        raise Malformed("problem")
    path, code, severity, message, line, column = item
    if any(type(text) is not str for text in (path, code, message)) or type(line) is not int or type(column) is not int:
        raise Malformed("problem")
    try:
        level = Severity(severity)
    except ValueError:
        raise Malformed("severity") from None
    return Diagnostic(code, level, message, path, line, column)


def encode_value(value: Any) -> Any:
    """A validated value as JSON-safe data; anything unexpected refuses to be cached."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is Decimal:
        if not value.is_finite():
            raise Malformed("a non-finite amount")
        return str(value)  # exact: Decimal(str(d)) has the same digits and exponent
    if kind is datetime.date:
        return value.isoformat()
    if kind is tuple:
        return [encode_value(v) for v in value]
    if kind is dict:
        if not all(type(k) is str for k in value):
            raise Malformed("a key that is not text")
        return {k: encode_value(v) for k, v in value.items()}
    if is_record(value):
        return encode_model(value)
    raise Malformed(f"a value of type {kind.__name__}")


def encode_model(record: Any) -> dict[str, Any]:
    """The fields that differ from their defaults (which are filled in again on decode)."""
    return {
        name: encode_value(value)
        for name, default in _defaults(type(record)).items()
        if (value := getattr(record, name)) != default or type(value) is not type(default)
    }


def _defaults(record: type) -> dict[str, Any]:
    """Each field's default (``_MISSING`` for a required one; a factory's value, made once)."""
    found = _DEFAULTS.get(record)
    if found is None:
        found = _DEFAULTS[record] = {}
        for info in dataclasses.fields(record):
            if info.default is not dataclasses.MISSING:
                found[info.name] = info.default
            elif info.default_factory is not dataclasses.MISSING:
                found[info.name] = info.default_factory()
            else:
                found[info.name] = _MISSING
    return found


_DEFAULTS: dict[type, dict[str, Any]] = {}


# --- decoding: one decoder per field, built from the model's annotations -----------


def _text(value: Any) -> str:
    if type(value) is not str:
        raise Malformed("text")
    return shared(value)


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise Malformed("true/false")
    return value


def _amount(value: Any) -> Decimal:
    if type(value) is not str:
        raise Malformed("amount")
    try:
        amount = Decimal(value)
    except ArithmeticError:
        raise Malformed("amount") from None
    if not amount.is_finite() or str(amount) != value:
        raise Malformed("amount")
    return amount


def _date(value: Any) -> datetime.date:
    if type(value) is not str:
        raise Malformed("date")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Malformed("date") from None


_SCALARS = {str: _text, bool: _flag, Decimal: _amount, datetime.date: _date}


def _converter(annotation: Any) -> Any:
    """The function a parsed value goes through (``records.Converter``), if the annotation has one."""
    if typing.get_origin(annotation) is typing.Annotated:
        for meta in typing.get_args(annotation)[1:]:
            if isinstance(meta, Converter):
                return meta.func
    return None


def _held_to_the_rules(decode: Any, convert: Any, key: bool) -> Any:
    """``decode``, then the same conversion a value parsed from a file goes through: a cache
    entry is data that could have been forged (a restored CI cache), so a negative amount,
    a bad year or id, an empty title or a forbidden character in it is refused, never used."""

    checked: dict[Any, Any] = {}  # text already held to the rules (years, ids, names repeat)

    def decode_checked(value: Any) -> Any:
        if type(value) is str:
            hit = checked.get(value)
            if hit is not None:
                return hit
        decoded = decode(value)
        text = value if type(value) is str else "true" if value is True else "false" if value is False else None
        if text is None or _UNSAFE.search(text):
            raise Malformed("a value no ledger file can hold")
        try:
            # Keys reach the converter as text, values as scalars: exactly as when parsing.
            converted = convert(text if key else Scalar(text, 1, 1, False))
        except Exception:  # the converter's own refusal (a pydantic error, raised lazily)
            raise Malformed("a value the ledger's rules refuse") from None
        if converted != decoded:
            raise Malformed("a value written otherwise than parsing gives")
        if type(converted) is str:
            converted = shared(converted)
        if type(value) is str:
            checked[value] = converted
        return converted

    return decode_checked


# What parsing never lets into a value: the loader's forbidden characters, and CR.
_UNSAFE = re.compile(f"[\r{FORBIDDEN.pattern[1:-1]}]")


def _decoder(annotation: Any, key: bool = False) -> Any:
    """A function from cached JSON to the value pydantic validated; unknown types refuse."""
    convert = _converter(annotation)
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation in _SCALARS:
        base = _SCALARS[annotation]
        return base if convert is None else _held_to_the_rules(base, convert, key)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1 or len(args) != 2:
            raise Malformed(f"unsupported type {annotation!r}")
        inner = _decoder(rest[0])
        return lambda value: None if value is None else inner(value)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])

        def decode_tuple(value: Any) -> tuple[Any, ...]:
            if type(value) is not list:
                raise Malformed("list")
            return tuple(item(v) for v in value)

        return decode_tuple
    if origin is dict and len(args) == 2:
        key_decoder, item = _decoder(args[0], key=True), _decoder(args[1])

        def decode_dict(value: Any) -> dict[Any, Any]:
            if type(value) is not dict:
                raise Malformed("mapping")
            return {key_decoder(k): item(v) for k, v in value.items()}

        return decode_dict
    if is_record(annotation):
        return model_decoder(annotation)
    raise Malformed(f"unsupported type {annotation!r}")


_MODEL_DECODERS: dict[type, Any] = {}
_MISSING = object()


def model_decoder(model: type) -> Any:
    """A function from an encoded record back to the record, each value held to the rules a
    parsed value meets (the record's own shape, not pydantic, is rebuilt: a warm run never
    imports pydantic)."""
    if model in _MODEL_DECODERS:
        return _MODEL_DECODERS[model]
    kinds = {name: _optional(annotation) for name, annotation in fields_of(model).items()}

    def decode(value: Any) -> Any:
        try:
            return model(**_decode_fields(value, kinds))
        except TypeError:  # a required field missing
            raise Malformed("missing field") from None

    _MODEL_DECODERS[model] = decode
    return decode


def _optional(annotation: Any) -> Any:
    """A field's decoder; an optional field (``X | None`` under its converter) may be null."""
    convert = _converter(annotation)
    inner = annotation
    while typing.get_origin(inner) is typing.Annotated:
        inner = typing.get_args(inner)[0]
    args = typing.get_args(inner)
    if typing.get_origin(inner) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        rest = next(a for a in args if a is not type(None))
        decode = _decoder(typing.Annotated[rest, Converter(convert)] if convert is not None else rest)
        return lambda value: None if value is None else decode(value)
    return _decoder(annotation)


def _decode_fields(value: Any, kinds: dict[str, Any]) -> dict[str, Any]:
    if type(value) is not dict:
        raise Malformed("model")
    decoded = {}
    for name, item in value.items():
        kind = kinds.get(name)
        if kind is None:
            raise Malformed("unknown field")
        decoded[name] = kind(item)
    return decoded
