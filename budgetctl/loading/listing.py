"""The fields of every valid project that a listing shows (``budgetctl projects``), read from the
cache of checked files without rebuilding whole records.

A project's entry in the cache (``loading.cache``) is keyed by its file's content; only its
title, stream, lead and allocations are decoded here, each held to the rules a parsed value
meets, as ``codec.model_decoder`` holds it. A file the cache holds no entry for is checked
here, as a whole check would check it, and remembered.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from budgetctl.loading.codec import Malformed, field_decoders
from budgetctl.model.kinds import project_id
from budgetctl.model.records import Project

if TYPE_CHECKING:
    from collections.abc import Mapping

    from budgetctl.loading.cache import FileCache
    from budgetctl.model.ledger import ProjectEntry
    from budgetctl.model.source import RawFile

_FIELDS = ("title", "stream", "lead", "allocations")


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


def listed_projects(projects: list[RawFile], cache: FileCache) -> list[Listed] | None:
    """Each project file that gives a valid project, in the order of ``projects``; None when a
    cache entry is damaged (then nothing from the cache is to be trusted: check everything)."""
    from budgetctl.infra.gcpause import paused_gc

    try:
        with paused_gc():  # every entry decoded here lives to the end of the run: see paused_gc
            return _listed(projects, cache)
    except Malformed:
        return None


def _listed(projects: list[RawFile], cache: FileCache) -> list[Listed]:
    from budgetctl.loading.build import check_projects

    decoders = field_decoders(Project, _FIELDS)
    entries = cache.get_many(projects)
    missing = [raw for raw, entry in zip(projects, entries, strict=True) if entry is None]
    # Checked as a whole check checks them, and kept in the cache for the next run.
    checked = iter(check_projects(missing, cache) if missing else [])
    found = []
    for raw, entry in zip(projects, entries, strict=True):
        if entry is None:
            project = next(checked).project
            values = None if project is None else [getattr(project, name) for name in _FIELDS]
        else:
            values = _decoded(entry, decoders)
        if values is not None:
            found.append(Listed(project_id(raw.path), raw.path, *values))
    return found


def _decoded(entry: list[Any], decoders: dict[str, Any]) -> list[Any] | None:
    """The listed fields of ``[loader problems, schema problems, record]``; None for a file that
    gave no valid project (Malformed: not the shape a cache entry has)."""
    if len(entry) != 3:
        raise Malformed("entry")
    _, schema, data = entry
    if data is None:
        return None
    if type(schema) is not list or type(data) is not dict:
        raise Malformed("entry")
    try:
        return [decoders[name](data[name]) for name in _FIELDS]
    except KeyError:  # a required field missing
        raise Malformed("missing field") from None
