"""The one table of ledger file kinds: where each kind lives and how its files are named.

Discovery on disk, discovery in a git tree, ``fmt``, the editor schema, the cache
and ``new`` read this table; adding a file kind is one row here and one record
type. Paths are relative to the ledger folder, as tuples of their parts.
"""

from __future__ import annotations

import re

from budgetctl.plainclass import dataclass, fields

STREAMS_FILE = "streams.yaml"
PROJECTS_DIR = "projects"
PROJECT_SUFFIXES = (".yaml", ".yml")
ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@dataclass(frozen=True)
class FileKind:
    """One kind of ledger file."""

    name: str  # the kind's name, as records and messages call it
    folder: str  # top-level folder under the ledger root ("" for streams.yaml)
    by_year: bool  # files sit in YYYY-YY folders (the in-year kinds)
    described: str  # what a file of this kind must be called, for messages
    names: re.Pattern[str]  # the whole of a valid file name (inside its folder)
    # The name in model.records of the record a file of this kind holds: its fields give the
    # file's keys and their order (fmt, the editor schema, the cache, `new`). None until the kind
    # has one. By name: discovery reads this table and needs no record class.
    record_name: str | None = None

    @property
    def record(self) -> type | None:
        """The record class a file of this kind holds (imported on first use)."""
        if self.record_name is None:
            return None
        from budgetctl.model import records

        found: type = getattr(records, self.record_name)
        return found

    def accepts(self, name: str) -> bool:
        """Whether ``name`` is a valid file name for this kind (inside its folder)."""
        return self.names.fullmatch(name) is not None

    def path(self, year: str, name: str) -> str:
        """Where the file ``name`` of an in-year kind for ``year`` lives: ``adjustments/2023-24/x.yaml``."""
        return f"{self.folder}/{year_folder(year)}/{name}"


def _names(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)  # a file name may hold any character but '/'


STREAMS = FileKind("streams", "", False, STREAMS_FILE, _names(re.escape(STREAMS_FILE)), "StreamsFile")
PROJECT = FileKind("project", PROJECTS_DIR, False, "<project-id>.yaml", _names(r".*\.(?:yaml|yml)"), "Project")
ACTUALS = FileKind("actuals", "actuals", True, "<name>.csv", _names(r".+\.csv"))
ADJUSTMENT = FileKind(
    "adjustment", "adjustments", True, "<adjustment-id>.yaml", _names(rf"{ID.pattern}\.yaml"), "Adjustment"
)
FORECAST = FileKind("forecast", "forecasts", True, "q1.yaml to q4.yaml", _names(r"q[1-4]\.yaml"), "Forecast")

KINDS = (STREAMS, PROJECT, ACTUALS, ADJUSTMENT, FORECAST)
IN_YEAR = (ACTUALS, ADJUSTMENT, FORECAST)
BY_FOLDER = {k.folder: k for k in KINDS if k.folder}


def by_name(name: str) -> FileKind:
    """The kind called ``name`` (KeyError for none)."""
    return {k.name: k for k in KINDS}[name]


def kind_of_path(path: str) -> FileKind:
    """The kind of a file named outside discovery (``budgetctl fmt PATH``): a streams.yaml is the
    streams file, a .csv file actuals, ``forecasts/<folder>/qN.yaml`` a forecast,
    ``adjustments/<folder>/<name>`` an adjustment; any other is read as a project file."""
    parts = path.split("/")
    if parts[-1] == STREAMS_FILE:
        return STREAMS
    if parts[-1].endswith(".csv"):
        return ACTUALS
    if len(parts) >= 3 and parts[-3] == FORECAST.folder and FORECAST.accepts(parts[-1]):
        return FORECAST
    if len(parts) >= 3 and parts[-3] == ADJUSTMENT.folder:
        return ADJUSTMENT
    return PROJECT


def key_order(kind: FileKind) -> tuple[str, ...]:
    """The keys of a file of ``kind`` in canonical order (as docs/format.md writes them): its record's fields."""
    from budgetctl.model.records import key_of

    return tuple(key_of(f) for f in fields(kind.record)) if kind.record is not None else ()


def year_folder(year: str) -> str:
    """``2023/24`` -> ``2023-24``: the folder of a financial year's in-year files."""
    return year.replace("/", "-")


def year_of_folder(name: str) -> str | None:
    """``2023-24`` -> ``2023/24``; None when ``name`` is not a financial-year folder."""
    from budgetctl.model.periods import YearError, parse_year

    if len(name) != 7 or name[4] != "-":
        return None
    try:
        return parse_year(f"{name[:4]}/{name[5:]}")
    except YearError:
        return None


def misplaced(kind: FileKind, parts: tuple[str, ...]) -> str | None:
    """Why ``parts`` (below the kind's folder) is not a file of ``kind``; None when it is one."""
    folder = f"{kind.folder}/"
    if len(parts) == 1:
        return (
            f"{folder} holds only financial-year folders named like 2023-24; "
            f"move this file into one (as {folder}2023-24/{kind.described})"
        )
    if year_of_folder(parts[0]) is None:
        return (
            f"{parts[0]!r} is not a financial-year folder: name it YYYY-YY (2023-24 holds 2023/24), "
            f"or move its files into one"
        )
    if len(parts) > 2:
        return f"a year folder of {folder} holds files, not folders: move it to {folder}{parts[0]}/{kind.described}"
    if not kind.accepts(parts[1]):
        return f"a file in {folder}{parts[0]}/ must be {kind.described}: rename or move it"
    return None


def project_id(path: str) -> str:
    # String operations: a PurePosixPath per file costs more than checking it from the cache.
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]


# Folders the format defines. imports/ holds finance-system exports kept beside the
# ledger; they are raw material for actuals/, never read as ledger files themselves.
IMPORTS_DIR = "imports"
KNOWN_FOLDERS = (PROJECTS_DIR, *(k.folder for k in IN_YEAR), IMPORTS_DIR)


def looks_like_ledger_file(name: str) -> bool:
    """A name someone could expect budgetctl to read: YAML or CSV, in any case, or a .yaml with a suffix after it."""
    lower = name.lower()
    return lower.endswith((".yaml", ".yml", ".csv")) or ".yaml." in lower or ".yml." in lower


def _yaml_name(name: str) -> str:
    """``x.YAML`` and ``x.yaml.txt`` -> ``x.yaml``."""
    lower = name.lower()
    for suffix in (".yaml", ".yml"):
        if suffix in lower:
            return name[: lower.index(suffix)] + ".yaml"
    return name


def unread_files(paths: list[tuple[str, ...]]) -> list[tuple[str, str]]:
    """Files under the ledger folder that discovery did not read but that look like ledger files.

    ``paths`` are every file discovery left out, as parts relative to the ledger
    folder (folders starting with '.' excluded). Returns (relative path, why and
    what to do) pairs, sorted; a folder the format does not define is reported
    once, at the folder, with the number of such files in it.
    """
    found: dict[str, str] = {}
    folders: dict[str, int] = {}
    for parts in paths:
        name = parts[-1]
        if not looks_like_ledger_file(name) or name.startswith("."):
            continue
        if len(parts) == 1:
            if name == STREAMS_FILE:
                continue
            target = "actuals/2023-24/" if name.lower().endswith(".csv") else f"{PROJECTS_DIR}/"
            found[name] = (
                f"{name} is not read: the ledger is {STREAMS_FILE} and the files in the folders "
                f"{', '.join(f + '/' for f in KNOWN_FOLDERS[:-1])}; its money is in no total: "
                f"move it into {target} (or out of the ledger folder)"
            )
        elif parts[0] == PROJECTS_DIR:
            case = "in lower case" if name.lower().endswith((".yaml", ".yml")) else "and nothing after it"
            found["/".join(parts)] = (
                f"{name} is not read: a project file's name ends in .yaml or .yml, {case}; "
                f"rename it to {_yaml_name(name)} (its money is in no total until then)"
            )
        elif parts[0] not in KNOWN_FOLDERS:
            folders[parts[0]] = folders.get(parts[0], 0) + 1
    for folder, count in folders.items():
        from budgetctl.model.records import did_you_mean  # difflib only when a folder is left out

        if count == 1:
            files, its, them = "1 file in it that looks like a ledger file is", "its", "it"
        else:
            files, its, them = f"{count} files in it that look like ledger files are", "their", "them"
        hint = did_you_mean(folder, list(KNOWN_FOLDERS))
        hint = hint if "did you mean" in hint else ""
        found[folder] = (
            f"the folder {folder}/ is not part of the ledger format{hint}: {files} not read, "
            f"so {its} money is in no total; move {them} into "
            f"{', '.join(f + '/' for f in KNOWN_FOLDERS[:-1])} or out of the ledger folder"
        )
    return sorted(found.items())
