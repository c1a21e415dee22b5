"""The few fields of every valid project that a command needs, read from the cache of checked
files without rebuilding whole records: a listing (``budgetctl projects``) shows the title,
stream, lead and allocations; a summary by priority counts the stream, priorities and allocations.

A project's entry in the cache (``loading.cache``) is keyed by its file's content; only those
fields are decoded here, each held to the rules a parsed value meets, as ``codec.model_decoder``
holds it (a field the entry leaves out has its default, as the entry was written). A file the
cache holds no entry for is checked here, as a whole check would check it, and remembered.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from budgetctl.loading.codec import Malformed, field_decoders, field_defaults
from budgetctl.model.kinds import project_id
from budgetctl.model.records import Project

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from budgetctl.loading.cache import FileCache
    from budgetctl.model.ledger import ProjectEntry
    from budgetctl.model.source import RawFile

_FIELDS = ("title", "stream", "lead", "allocations")
_FUNDED = ("stream", "priorities", "allocations")
Row = TypeVar("Row")


class Listed(NamedTuple):
    """A valid project as a listing shows it: its id (the file name) and display path, and four fields
    (a tuple: made 10,000 times, at a third of the cost of a frozen dataclass)."""

    id: str
    path: str
    title: str
    stream: str
    lead: str
    allocations: Mapping[str, Decimal]

    @classmethod
    def of(cls, entry: ProjectEntry) -> Listed:
        p = entry.project
        return cls(entry.id, entry.source.path, p.title, p.stream, p.lead, p.allocations)


class Funded(NamedTuple):
    """A valid project as a summary by priority counts it (``reports.summary``)."""

    stream: str
    priorities: tuple[str, ...]
    allocations: Mapping[str, Decimal]


def listed_projects(projects: list[RawFile], cache: FileCache) -> list[Listed] | None:
    """Each project file that gives a valid project, in the order of ``projects``; None when a
    cache entry is damaged (then nothing from the cache is to be trusted: check everything)."""
    return _read(projects, cache, _FIELDS, lambda raw, values: Listed(project_id(raw.path), raw.path, *values))


def funded_projects(projects: list[RawFile], cache: FileCache) -> list[Funded] | None:
    """``listed_projects``, with each valid project's stream, priorities and allocations."""
    return _read(projects, cache, _FUNDED, lambda raw, values: Funded(*values))


def _read(
    projects: list[RawFile], cache: FileCache, names: tuple[str, ...], make: Callable[[RawFile, list[Any]], Row]
) -> list[Row] | None:
    from budgetctl.infra.gcpause import paused_gc

    try:
        with paused_gc():  # every entry decoded here lives to the end of the run: see paused_gc
            return _listed(projects, cache, names, make)
    except Malformed:
        return None


def _listed(
    projects: list[RawFile], cache: FileCache, names: tuple[str, ...], make: Callable[[RawFile, list[Any]], Row]
) -> list[Row]:
    from budgetctl.loading.build import check_projects

    decoders, defaults = field_decoders(Project, names), field_defaults(Project, names)
    entries = cache.get_many(projects)
    missing = [raw for raw, entry in zip(projects, entries, strict=True) if entry is None]
    # Checked as a whole check checks them, and kept in the cache for the next run.
    checked = iter(check_projects(missing, cache) if missing else [])
    found = []
    for raw, entry in zip(projects, entries, strict=True):
        if entry is None:
            project = next(checked).project
            values = None if project is None else [getattr(project, name) for name in names]
        else:
            values = _decoded(entry, decoders, defaults, names)
        if values is not None:
            found.append(make(raw, values))
    return found


def _decoded(
    entry: list[Any], decoders: dict[str, Any], defaults: dict[str, Any], names: tuple[str, ...]
) -> list[Any] | None:
    """The fields ``names`` of ``[loader problems, schema problems, record]`` (a field left out
    has its default); None for a file that gave no valid project (Malformed: not the shape a
    cache entry has)."""
    if len(entry) != 3:
        raise Malformed("entry")
    _, schema, data = entry
    if data is None:
        return None
    if type(schema) is not list or type(data) is not dict:
        raise Malformed("entry")
    try:
        return [decoders[name](data[name]) if name in data else defaults[name] for name in names]
    except KeyError:  # a required field missing
        raise Malformed("missing field") from None
