"""What a change does to the year's monitoring: actuals added per stream and month,
forecast and RAG changes per stream. Read by ``reports.diff``; figures from ``model.figures``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from budgetctl.model import figures
from budgetctl.model.actuals import ActualRow
from budgetctl.model.ledger import Ledger
from budgetctl.model.money import ZERO, format_json, format_pounds, total
from budgetctl.model.periods import quarter_end, year_sort_key
from budgetctl.plainclass import dataclass, field


@dataclass(frozen=True)
class ActualsChange:
    """Rows added to (and removed from) one stream's actuals in one month."""

    stream: str
    month: str  # 2023-04
    added_rows: int
    added: Decimal  # signed: credits reduce it
    removed_rows: int
    removed: Decimal


@dataclass(frozen=True)
class ForecastChange:
    """A stream's forecast and RAG as at ``as_at``, before and after."""

    year: str
    as_at: datetime.date
    stream: str
    forecast_before: Decimal
    forecast_after: Decimal
    rag_before: str | None  # None: the stream had no budget that year on that side
    rag_after: str | None


@dataclass
class InYearDiff:
    """The actuals and forecasts that changed between two sides."""

    actuals: list[ActualsChange] = field(default_factory=list)
    forecasts: list[ForecastChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.actuals or self.forecasts)

    def headline_parts(self) -> list[str]:
        parts = []
        if self.actuals:
            rows = sum(a.added_rows + a.removed_rows for a in self.actuals)
            amount = total(a.added - a.removed for a in self.actuals)
            parts.append(f"actuals {signed(amount)} ({rows} row{'s' if rows != 1 else ''})")
        moved = [f for f in self.forecasts if f.forecast_before != f.forecast_after]
        for year in sorted({f.year for f in moved}, key=year_sort_key):
            amount = total(f.forecast_after - f.forecast_before for f in moved if f.year == year)
            parts.append(f"{year} forecast {signed(amount)}")
        rag = [f for f in self.forecasts if f.rag_before != f.rag_after]
        if rag:
            parts.append("RAG " + ", ".join(f"{f.stream} {f.rag_before or '-'}→{f.rag_after or '-'}" for f in rag))
        return parts

    def to_json(self) -> dict[str, Any]:
        return {
            "actuals": [
                {
                    "stream": a.stream,
                    "month": a.month,
                    "added_rows": a.added_rows,
                    "added": format_json(a.added),
                    "removed_rows": a.removed_rows,
                    "removed": format_json(a.removed),
                }
                for a in self.actuals
            ],
            "forecasts": [
                {
                    "year": f.year,
                    "as_at": f.as_at.isoformat(),
                    "stream": f.stream,
                    "forecast": {"before": format_json(f.forecast_before), "after": format_json(f.forecast_after)},
                    "rag": {"before": f.rag_before, "after": f.rag_after},
                }
                for f in self.forecasts
            ],
        }


def signed(amount: Decimal) -> str:
    """``+£12,500.00``, ``-£5,000.00``, ``£0.00`` (as the rest of diff writes money)."""
    sign = "+" if amount > 0 else "-" if amount < 0 else ""
    return f"{sign}£{format_pounds(abs(amount))}"


def _rows(ledger: Ledger | None) -> dict[tuple[str, str], tuple[str, ActualRow]]:
    """Every actuals row by (reference, kind), with the stream its project is on."""
    if ledger is None:
        return {}
    found = {}
    for file in ledger.actuals:
        for row in file.rows:
            entry = ledger.projects_by_id.get(row.project)
            found[row.reference, row.kind] = (entry.project.stream if entry else "(unknown project)", row)
    return found


def _actuals(before: Ledger | None, after: Ledger | None) -> list[ActualsChange]:
    old, new = _rows(before), _rows(after)
    groups: dict[tuple[str, str], list[list[Decimal]]] = {}
    for key, (stream, row) in new.items():
        if key not in old or old[key][1].cells() != row.cells() or old[key][0] != stream:
            groups.setdefault((stream, row.date.isoformat()[:7]), [[], []])[0].append(row.signed)
    for key, (stream, row) in old.items():
        if key not in new or new[key][1].cells() != row.cells() or new[key][0] != stream:
            groups.setdefault((stream, row.date.isoformat()[:7]), [[], []])[1].append(row.signed)
    return [
        ActualsChange(stream, month, len(added), total(added), len(removed), total(removed))
        for (stream, month), (added, removed) in sorted(groups.items())
    ]


def _stream_figures(ledger: Ledger | None, stream: str, year: str, as_at: datetime.date) -> tuple[Decimal, str | None]:
    if ledger is None or stream not in ledger.streams:
        return ZERO, None
    forecast = figures.forecast(ledger, stream, year, as_at)
    if year not in ledger.streams[stream].budget:
        return forecast, None
    return forecast, figures.rag(ledger, stream, year, as_at)


def _forecasts(before: Ledger | None, after: Ledger | None) -> list[ForecastChange]:
    sides = [s for s in (before, after) if s is not None]
    # The years with forecasts or actuals on either side, compared as at the end of the
    # latest quarter with a forecast on either side (the year end when there is none).
    quarters: dict[str, int] = {}
    for side in sides:
        for file in side.forecasts:
            quarters[file.year] = max(quarters.get(file.year, 0), file.quarter)
        for actuals in side.actuals:
            quarters.setdefault(actuals.year, 0)
    changes = []
    for year in sorted(quarters, key=year_sort_key):
        as_at = quarter_end(year, quarters[year] or 4)
        streams = list(dict.fromkeys(s for side in sides for s in side.streams))
        for stream in streams:
            forecast_before, rag_before = _stream_figures(before, stream, year, as_at)
            forecast_after, rag_after = _stream_figures(after, stream, year, as_at)
            if (forecast_before, rag_before) != (forecast_after, rag_after):
                changes.append(
                    ForecastChange(year, as_at, stream, forecast_before, forecast_after, rag_before, rag_after)
                )
    return changes


def compare_in_year(before: Ledger | None, after: Ledger | None) -> InYearDiff:
    """Actuals added or removed, and forecast or RAG changes, between two ledgers."""
    if not any(s is not None and (s.actuals or s.forecasts) for s in (before, after)):
        return InYearDiff()
    return InYearDiff(_actuals(before, after), _forecasts(before, after))
