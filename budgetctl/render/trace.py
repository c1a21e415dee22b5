"""``trace``'s output: the values behind one figure, each at its file:line:column, and their total
(text), or the same as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from budgetctl.diagnostics import printable

if TYPE_CHECKING:
    from budgetctl.reports.trace import Trace


def trace_text(found: Trace, as_json: bool) -> str:
    """The trace as ``budgetctl trace`` prints it: a head line, one line per value (its place, its
    amount right-aligned, what it is) and the total; or a JSON object."""
    assert found.as_at is not None  # trace always traces as at a date
    if as_json:
        import json

        head = {"subject": found.subject, "year": found.year, "measure": found.measure}
        body = {**head, "as_at": found.as_at.isoformat(), **found.as_json()}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    from budgetctl.model.money import format_pounds

    title = f"{found.measure} of {printable(found.subject)} in {found.year} as at {found.as_at.isoformat()}"
    lines = [f"{title}: {len(found.terms)} value(s)"]
    places = [printable(f"{t.place.file}:{t.place.line}:{t.place.column}") for t in found.terms]
    width = max((len(format_pounds(t.amount)) for t in found.terms), default=4)
    left = max((len(p) for p in places), default=0)
    for where, term in zip(places, found.terms, strict=True):
        lines.append(f"{where:<{left}}  {format_pounds(term.amount):>{width}}  {printable(term.what)}")
    lines.append(f"total {format_pounds(found.total)}")
    return "\n".join(lines) + "\n"
