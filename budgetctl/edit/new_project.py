"""Building a new project file: canonical text, checked against the whole ledger first.

The file is written only when adding it to the ledger brings no new error: the
ledger is checked with the new file held in memory, so an allocation that would
over-allocate its stream is refused with the amount over, and nothing is written.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path, PurePosixPath

import yaml

from budgetctl.diagnostics import Diagnostic, UserError
from budgetctl.edit.fmt import canonical_money, format_file
from budgetctl.infra.atomic import WriteRefused, write_atomic
from budgetctl.loading.discover import PROJECTS_DIR, RawFile, display_path
from budgetctl.model.kinds import PROJECT, key_order, project_id
from budgetctl.model.money import MoneyError, parse_money
from budgetctl.model.periods import YearError, parse_year, year_sort_key
from budgetctl.model.records import ID_PATTERN
from budgetctl.pipeline import Checked, check_files
from budgetctl.plainclass import dataclass, field, replace


class ScaffoldError(UserError):
    """Options that cannot make a project file; str() says which and why (exit 2, or 1
    when the project already exists)."""


@dataclass
class NewProject:
    """The values of a new project file, in canonical key order."""

    id: str
    title: str
    stream: str
    lead: str
    allocations: dict[str, Decimal]
    provider: str | None = None
    provider_sector: str | None = None
    purpose: str | None = None
    priorities: list[str] = field(default_factory=list)
    npu: str | None = None
    approved_by: str | None = None
    partnership: str | None = None
    partnership_priorities: list[str] = field(default_factory=list)
    costs: list[str] = field(default_factory=list)
    description: str | None = None
    recipient_org_id: str | None = None
    grant: bool = False
    award_date: datetime.date | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


def parse_date(option: str, text: str) -> datetime.date:
    """``2023-04-01`` as a date; ScaffoldError names the option and the form."""
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ScaffoldError(f"{option} {text!r}: write a date as YYYY-MM-DD, e.g. 2023-04-01") from None


@dataclass
class Plan:
    """Where the file would go, its bytes, the bytes it replaces, and what it would break."""

    path: Path
    shown: str
    data: bytes
    replaces: bytes | None
    problems: list[Diagnostic]

    @property
    def refused(self) -> bool:
        return any(p.is_error for p in self.problems)


def parse_amount(text: str) -> tuple[str, Decimal]:
    """``2023/24=250000`` -> ("2023/24", Decimal("250000.00")); ScaffoldError says what is wrong."""
    year, sep, amount = text.partition("=")
    if not sep:
        raise ScaffoldError(f"--amount {text!r}: write YEAR=AMOUNT, e.g. 2023/24=250000")
    try:
        return parse_year(year.strip()), parse_money(amount.strip())
    except (YearError, MoneyError) as exc:
        raise ScaffoldError(f"--amount {text!r}: {exc}") from None


def allocations_from(amounts: list[str]) -> dict[str, Decimal]:
    """``--amount`` values (``YEAR=AMOUNT``, each year once) as allocations by year."""
    allocations: dict[str, Decimal] = {}
    for text in amounts:
        year, money = parse_amount(text)
        if year in allocations:
            raise ScaffoldError(f"--amount: {year} is given twice")
        allocations[year] = money
    return allocations


def scalar(text: str) -> str:
    """``text`` as a YAML value that every reader takes as this exact text: plain when safe, else quoted."""
    if text and text == text.strip() and "\n" not in text:
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def project_text(project: NewProject) -> str:
    """The project file, in canonical layout: the keys given, in the project record's order."""
    lines: list[str] = []
    for key in key_order(PROJECT):
        value = getattr(project, key, None)
        if key == "allocations":
            lines.append("allocations:")
            for year in sorted(project.allocations, key=year_sort_key):
                lines.append(f"  {year}: {canonical_money(project.allocations[year])}")
        elif isinstance(value, list):
            _list(lines, key, value)
        elif isinstance(value, bool):
            if value:
                lines.append(f"{key}: true")
        elif isinstance(value, datetime.date):
            lines.append(f"{key}: {value.isoformat()}")
        else:
            _single(lines, key, value)
    return "\n".join(lines) + "\n"


def _single(lines: list[str], key: str, value: str | None) -> None:
    if value is not None:
        lines.append(f"{key}: {scalar(value)}")


def _list(lines: list[str], key: str, values: list[str]) -> None:
    if values:
        lines.append(f"{key}: [{', '.join(scalar(v) for v in values)}]")


def folder_parts(folder: str) -> tuple[str, ...]:
    """A sub-folder of projects/ as path parts; refuses absolute paths, '..' and odd names."""
    parts = tuple(part for part in PurePosixPath(folder.replace("\\", "/")).parts if part not in ("", "."))
    if folder.startswith(("/", "\\")) or not parts or any(not ID_PATTERN.fullmatch(part) for part in parts):
        raise ScaffoldError(f"--folder {folder!r}: give a folder under projects/ made of ids, e.g. victims-services")
    return parts


def plan(checked: Checked, project: NewProject, folder: str | None = None, *, force: bool = False) -> Plan:
    """Everything `new project` needs to decide, without writing: the file and the problems it
    adds to the ledger ``checked`` (read from disk by ``check_ledger``)."""
    files = checked.files
    if files is None or files.root is None:
        raise ValueError("plan needs a ledger read from disk")
    root = files.root
    if not ID_PATTERN.fullmatch(project.id):
        raise ScaffoldError(
            f"project id {project.id!r}: use lower-case letters, digits and single hyphens, e.g. youth-diversion"
        )
    parts = folder_parts(folder or project.stream)
    for depth in range(len(parts) + 1):
        if root.joinpath(PROJECTS_DIR, *parts[:depth]).is_symlink():  # it could lead outside the ledger
            raise ScaffoldError(f"{display_path(root, root.joinpath(PROJECTS_DIR, *parts[:depth]))} is a symbolic link")
    path = root.joinpath(PROJECTS_DIR, *parts, f"{project.id}.yaml")
    shown = display_path(root, path)
    replaces: bytes | None = None
    kept: list[RawFile] = []
    for raw in files.projects:
        if project_id(raw.path) != project.id:
            kept.append(raw)
        elif raw.path == shown and force:
            replaces = raw.data
        else:
            hint = "; use --force to replace it" if raw.path == shown else ""
            raise ScaffoldError(f"project {project.id!r} already exists: {raw.path}{hint}", exit_code=1)
    if path.exists() and replaces is None:
        raise ScaffoldError(f"{shown} already exists and is not a readable project file; not replacing it", exit_code=1)
    formatted = format_file(project_text(project).encode(), shown, "project")
    if formatted.output is None:  # cannot happen for text we built; refuse rather than write it
        return Plan(path, shown, b"", replaces, formatted.problems)
    with_new = replace(files, projects=sorted([*kept, RawFile(shown, formatted.output)], key=_by_path))
    added = Counter(check_files(with_new).problems) - Counter(checked.problems)
    return Plan(path, shown, formatted.output, replaces, sorted(added.elements(), key=Diagnostic.sort_key))


def _by_path(raw: RawFile) -> str:
    return raw.path


def add_project(checked: Checked, project: NewProject, folder: str | None = None, *, force: bool = False) -> Plan:
    """Plan the new project file and write it unless it would bring an error (``Plan.refused``):
    its folder is made if needed, the file written atomically."""
    planned = plan(checked, project, folder, force=force)
    if planned.refused:
        return planned
    try:
        planned.path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteRefused(str(exc)) from exc
    write_atomic(planned.path, planned.data, expected=planned.replaces)
    return planned
