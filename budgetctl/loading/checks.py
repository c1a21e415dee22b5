"""Check one ledger file: a function of its bytes alone (the cache and the worker pool wrap it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from budgetctl.diagnostics import Diagnostic
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.records import Project, StreamsFile
from budgetctl.model.source import RawFile


@dataclass(slots=True)
class FileCheck:
    """What the loader and schema stages found in one file (a project file, or streams.yaml)."""

    load_problems: list[Diagnostic]
    schema_problems: list[Diagnostic] | None  # None: the file did not load
    project: Any  # the model (Project or StreamsFile); None: it did not load or is invalid


def check_file(raw: RawFile, model: type[Project] | type[StreamsFile]) -> FileCheck:
    """Load one file and validate it as ``model``."""
    from budgetctl.loading.schema import validate  # the validator: only when a file must be checked

    source, load_problems = strict_load(raw.data, raw.path)
    if source is None:
        return FileCheck(load_problems, None, None)
    value, schema_problems = validate(model, source)
    return FileCheck(load_problems, schema_problems, value)


def check_project_alone(raw: RawFile) -> FileCheck:
    """``check_project`` of one of a few files: a valid project is built without pydantic
    (``accept``), anything else is validated as ``check_file`` does (the same model, the same
    problems)."""
    from budgetctl.loading.accept import accepted

    source, load_problems = strict_load(raw.data, raw.path)
    if source is None:
        return FileCheck(load_problems, None, None)
    project = accepted(Project, source.root)
    if project is not None:
        return FileCheck(load_problems, [], project)
    from budgetctl.loading.schema import validate

    value, schema_problems = validate(Project, source)
    return FileCheck(load_problems, schema_problems, value)


def check_streams(raw: RawFile) -> FileCheck:
    """Load and validate streams.yaml."""
    return check_file(raw, StreamsFile)


def check_project(raw: RawFile) -> FileCheck:
    """Load and validate one project file."""
    # Its short texts are already the objects other projects hold (``records.shared``).
    return check_file(raw, Project)
