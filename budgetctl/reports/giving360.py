"""360Giving Data Standard export: a grants package built from the ledger, or problems.

Which projects are grants: those marked ``grant: true`` in their file. Each one
becomes one grant, awarded once on its ``award_date`` for the whole of its
allocations, identified as ``<prefix>-<project id>``
(``360G-OPCCWM-dudley-home-security-packs``); ``--year`` chooses the grants with
money in that year.

The standard requires, for every grant, an id, title, description, currency,
amount awarded, award date, a recipient organisation (id and name) and a funding
organisation (id and name). budgetctl never invents these: a grant without a
``description:``, ``award_date:`` or ``provider:`` is a problem with the file and
line, and the package is not written. A recipient without a registered
identifier gets the publisher's own prefix and the provider's name as its id
(``360G-OPCCWM-ORG-netherton-residents-group``), which is what the standard's
identifier guidance asks of organisations with no registration number.
A ``recipient_org_id:`` that is given is checked against the org-id list codes
that UK grant data uses (``GB-CHC-1070468``, ``GB-COH-09668396``, ``GB-LAE-BIR``...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from budgetctl.diagnostics import Diagnostic, Severity
from budgetctl.loading.codes import (
    BAD_DATES,
    BAD_ORG_ID,
    BAD_PUBLISHER,
    GRANT_FIELD_MISSING,
    NO_GRANTS,
    PUBLISHER_MISSING,
)
from budgetctl.model.ledger import Ledger, ProjectEntry
from budgetctl.model.money import format_json, total
from budgetctl.model.orgid import org_id_problem
from budgetctl.plainclass import dataclass

SCHEMA_VERSION = "1.4"
# 360Giving asks for an open licence and recommends this one.
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
CURRENCY = "GBP"

E = Severity.ERROR

PREFIX_PATTERN = re.compile(r"360G-[A-Za-z0-9_]+(-[A-Za-z0-9_]+)*")


def slug(text: str) -> str:
    """An identifier-safe form of a name, without notes in brackets:
    ``Netherton Residents Group (illustrative)`` -> ``netherton-residents-group``."""
    bare = re.sub(r"\([^)]*\)", " ", text)
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-") or re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Publisher:
    """The settings of a 360Giving export: grant id prefix and the funding organisation."""

    prefix: str | None
    funder_id: str | None
    funder_name: str | None


def setting_problem(key: str, value: str) -> str | None:
    """Why a publisher setting (``prefix`` or ``org_id``) is malformed, or None."""
    if key == "prefix" and not PREFIX_PATTERN.fullmatch(value.rstrip("-")):
        return f"{value!r} is not a 360Giving prefix: write 360G- and your registered code, e.g. 360G-OPCCWM"
    if key == "org_id":
        return org_id_problem(value)
    return None


def resolve_publisher(
    ledger: Ledger, prefix: str | None = None, funder_id: str | None = None, funder_name: str | None = None
) -> tuple[Publisher, list[Diagnostic]]:
    """Command-line values (checked by the command) win over ``publisher:`` in streams.yaml;
    a setting missing from both, or malformed in the file, is a problem."""
    configured = ledger.streams_file.publisher
    given = {"prefix": prefix, "org_id": funder_id, "name": funder_name}
    flags = {"prefix": "--prefix", "org_id": "--funder-id", "name": "--funder-name"}
    chosen: dict[str, str | None] = {}
    problems: list[Diagnostic] = []
    path = ledger.streams_source.path
    for key in ("prefix", "org_id", "name"):
        value = given[key] or (getattr(configured, key) if configured else None)
        chosen[key] = value
        if value is None:
            place = ledger.streams_source.locate(("publisher",) if configured else ())
            message = (
                f"a 360Giving export needs the publisher's `{key}:`; add it under `publisher:` in streams.yaml "
                f"or pass {flags[key]}"
            )
            problems.append(PUBLISHER_MISSING.at(message, path, *place))
        elif given[key] is None:
            reason = setting_problem(key, value)
            if reason:
                problems.append(BAD_PUBLISHER.at(reason, path, *ledger.streams_source.locate(("publisher", key))))
    prefix_value = chosen["prefix"].rstrip("-") if chosen["prefix"] else None
    return Publisher(prefix_value, chosen["org_id"], chosen["name"]), problems


def grant_projects(ledger: Ledger, years: Iterable[str]) -> list[tuple[ProjectEntry, Decimal]]:
    """(project, amount awarded) for every project marked ``grant: true`` allocating in ``years``.

    A grant is awarded once, on its award date: one grant per project, for the whole of
    its allocations (every year of them), whichever of its years the export asks for.
    """
    wanted = set(years)
    return [
        (entry, total(entry.project.allocations.values()))
        for entry in sorted(ledger.projects, key=lambda e: e.id)
        if entry.project.grant and wanted & set(entry.project.allocations)
    ]


def _check_grant(entry: ProjectEntry) -> list[Diagnostic]:
    project = entry.project
    problems = []
    path = entry.source.path
    for field, why in (
        ("description", "a short description of the grant"),
        ("award_date", "the date the award was decided, e.g. award_date: 2023-04-01"),
        ("provider", "the name of the recipient organisation"),
    ):
        if getattr(project, field) is None:
            place = entry.at()
            problems.append(
                GRANT_FIELD_MISSING.at(
                    f"360Giving requires `{field}:` on a grant ({why}); add it, or remove `grant: true`",
                    path,
                    place.line,
                    place.column,
                )
            )
    if project.recipient_org_id is not None:
        reason = org_id_problem(project.recipient_org_id)
        if reason:
            place = entry.at("recipient_org_id")
            problems.append(BAD_ORG_ID.at(f"recipient_org_id: {reason}", path, place.line, place.column))
    if project.end_date is not None:
        place = entry.at("end_date")
        if project.start_date is None:
            message = "planned dates need a start: add `start_date:` before `end_date:`"
            problems.append(BAD_DATES.at(message, path, place.line, place.column))
        elif project.end_date < project.start_date:
            message = f"end_date {project.end_date} is before start_date {project.start_date}"
            problems.append(BAD_DATES.at(message, path, place.line, place.column))
    return problems


def recipient_id(entry: ProjectEntry, prefix: str) -> str:
    """The recipient's org-id, or the publisher's own identifier for an unregistered organisation
    (from the provider's name; from the project id when the name has no letters or digits)."""
    project = entry.project
    if project.recipient_org_id:
        return project.recipient_org_id
    return f"{prefix}-ORG-{slug(project.provider or '') or entry.id}"


def _recipient(entry: ProjectEntry, prefix: str) -> dict[str, Any]:
    project = entry.project
    assert project.provider is not None  # checked before building
    org: dict[str, Any] = {"id": recipient_id(entry, prefix)}
    org["name"] = project.provider
    registered = project.recipient_org_id or ""
    # The standard asks for these numbers as well as the org-id, without the list code.
    if registered.startswith("GB-CHC-"):
        org["charityNumber"] = registered.removeprefix("GB-CHC-")
    elif registered.startswith("GB-COH-"):
        org["companyNumber"] = registered.removeprefix("GB-COH-")
    return org


def _grant(entry: ProjectEntry, amount: Decimal, ledger: Ledger, publisher: Publisher) -> dict[str, Any]:
    project = entry.project
    assert publisher.prefix and publisher.funder_id and publisher.funder_name
    grant: dict[str, Any] = {
        "id": f"{publisher.prefix}-{entry.id}",
        "title": project.title,
        "description": project.description,
        "currency": CURRENCY,
        "amountAwarded": amount,
        "awardDate": project.award_date.isoformat() if project.award_date else None,
    }
    if project.start_date is not None:
        dates = {"startDate": project.start_date.isoformat()}
        if project.end_date is not None:
            dates["endDate"] = project.end_date.isoformat()
        grant["plannedDates"] = [dates]
    grant["recipientOrganization"] = [_recipient(entry, publisher.prefix)]
    location = beneficiary_location(ledger, entry)
    if location is not None:
        grant["beneficiaryLocation"] = [location]
    grant["fundingOrganization"] = [{"id": publisher.funder_id, "name": publisher.funder_name}]
    stream = ledger.streams.get(project.stream)
    programme = {"code": project.stream}
    if stream is not None:
        programme["title"] = stream.programme
    grant["grantProgramme"] = [programme]
    return grant


def beneficiary_location(ledger: Ledger, entry: ProjectEntry) -> dict[str, str] | None:
    """Where a grant's beneficiaries are: the project's Neighbourhood Policing Unit, by the
    name its stream gives it (``allowed: npu:``), else by its id; None without an npu."""
    npu = entry.project.npu
    if npu is None:
        return None
    stream = ledger.streams.get(entry.project.stream)
    labels = stream.eligibility.allowed.get("npu", {}) if stream and stream.eligibility else {}
    return {"name": labels.get(npu, npu), "description": "Neighbourhood Policing Unit"}


def build_package(
    ledger: Ledger,
    years: list[str],
    publisher: Publisher,
    problems: list[Diagnostic] | None = None,
    *,
    issued: str | None = None,
    licence: str | None = None,
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The 360Giving package for the grants in ``years``, or None and every problem found.

    ``issued`` (YYYY-MM-DD) and ``licence`` (the licence's canonical URL) are the
    package's own fields, so a reader knows when the data was published and how it may be reused.
    """
    found = list(problems or [])
    grants = grant_projects(ledger, years)
    checked: set[str] = set()
    for entry, _ in grants:
        if entry.id not in checked:
            checked.add(entry.id)
            found.extend(_check_grant(entry))
    if not grants:
        found.append(
            NO_GRANTS.at(
                f"no project marked `grant: true` allocates in {', '.join(years) or 'any year'}; "
                "add `grant: true` to the project files of grants",
                ledger.streams_source.path,
            )
        )
    if found:
        return None, sorted(found, key=Diagnostic.sort_key)
    package: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        **({"issued": issued} if issued else {}),
        **({"license": licence} if licence else {}),
        "publisher": {"name": publisher.funder_name, "identifier": publisher.funder_id},
        "grants": [_grant(entry, amount, ledger, publisher) for entry, amount in grants],
    }
    return package, []


def to_json(value: Any, level: int = 0) -> str:
    """JSON text with money as exact numbers (``2750.50``): 360Giving amounts are numbers,
    and going through a float is never allowed."""
    pad, end = "  " * (level + 1), "  " * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {to_json(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(pad + to_json(v, level + 1) for v in value) + "\n" + end + "]"
    if isinstance(value, Decimal):
        return format_json(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return json.dumps(value, ensure_ascii=False)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
