"""The monitoring report's compact table of streams, written without Rich, is byte for byte what
Rich prints for it (the table, its notes wrapped, a blank line), at any width, with COLUMNS set
or not; what it cannot write exactly is left to Rich. So is the wrapping of a note."""

from __future__ import annotations

import io
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetctl.render import console, monitor
from budgetctl.render.boxed import wrapped
from budgetctl.reports.table import Column, Table

PLAIN = [*"abcXYZ -/£—…ßΩ.,;:()", "\u00e9"]
WILD = [*PLAIN, "e\u0301", "\u4e1c", "\U0001f642", "\u00a0", "\t"]  # Rich measures or wraps these otherwise
TAME = st.lists(st.sampled_from(PLAIN), max_size=30).map("".join) | st.sampled_from(
    ["Victims Services", "Violence Reduction Partnership", "x" * 70]
)
NAMES = TAME | st.lists(st.sampled_from(WILD), max_size=30).map("".join)
WORDS = ["Variance", "=", "forecast", "-", "revised", " ", "  ", "a" * 30, "(negative:", "2%"]
NOTES = NAMES | st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
MONEY = st.none() | st.integers(min_value=-(10**14), max_value=10**14).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def stream_tables(draw: st.DrawFn) -> Table:
    headers = st.sampled_from(["Approved £", "Adj. £", "Revised £", "Actual £", "Variance £"])
    money = draw(st.lists(headers, min_size=draw(st.sampled_from([0, 3])), max_size=7))
    names = NAMES if draw(st.booleans()) else TAME  # half the tables: only what the plain grid writes
    columns = [
        Column("programme", "Programme"),
        *(Column(f"m{i}", header, "money") for i, header in enumerate(money)),
        Column("rag", "RAG"),
    ]

    def row() -> list[object]:
        return [draw(names), *(draw(MONEY) for _ in money), draw(st.sampled_from(["red", "amber", "green"]))]

    rows = [row() for _ in range(draw(st.integers(min_value=0, max_value=8)))]
    total = ["Total", *(draw(MONEY) for _ in money), ""] if draw(st.booleans()) else None
    title = draw(st.sampled_from(["Budget monitoring 2023/24 as at 2023-09-30", "", "x" * 150, "T"]))
    notes = NOTES if names is NAMES else TAME | st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
    return Table(title, columns, rows, total, [False] * len(rows), draw(st.lists(notes, max_size=3)))


def rich_printed(table: Table) -> str:
    from rich.text import Text

    out = console.stdout()
    monitor._rich_grid(table, out)
    for note in table.notes:
        out.print(Text(monitor.printable(note), style="dim"))
    out.print()
    return sys.stdout.getvalue()


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=stream_tables(), width=st.integers(min_value=40, max_value=250), columns_set=st.booleans())
def test_the_grid_without_rich_is_what_rich_prints(
    monkeypatch: pytest.MonkeyPatch, table: Table, width: int, columns_set: bool
) -> None:
    with monkeypatch.context() as patch:
        for name in ("NO_COLOR", "FORCE_COLOR"):
            patch.delenv(name, raising=False)
        if columns_set:
            patch.setenv("COLUMNS", str(width))
        else:
            patch.delenv("COLUMNS", raising=False)
        patch.setattr(sys, "stdout", io.StringIO())
        lines = monitor._plain_grid(table, console.stdout_width())
        if lines is not None:
            assert "\n".join([*lines, ""]) + "\n" == rich_printed(table)


@settings(max_examples=500, deadline=None)
@given(text=NOTES, width=st.integers(min_value=1, max_value=120))
def test_a_note_wraps_as_rich_wraps_it(text: str, width: int) -> None:
    from rich.console import Console
    from rich.text import Text

    lines = wrapped(text, width)
    if lines is not None:
        out = io.StringIO()
        Console(file=out, width=width, no_color=True, color_system=None, markup=False, highlight=False).print(
            Text(text, style="dim")
        )
        assert "\n".join(lines) + "\n" == out.getvalue()


def test_the_usual_grid_and_notes_are_written_without_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not vacuous: a usual report's table and its long note are written plain at ordinary widths."""
    for name in ("NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    note = "Variance = forecast - revised budget (negative: an underspend). RAG: green within 2% of the revised budget."
    table = Table(
        "Budget monitoring 2023/24 as at 2023-09-30",
        [Column("programme", "Programme"), *(Column(k, f"{k} £", "money") for k in "ABCD"), Column("rag", "RAG")],
        [["Victims Services", *[Decimal("1200.00")] * 4, "red"]],
        ["Total", *[Decimal("1200.00")] * 4, ""],
        [False],
        [note],
    )
    lines = monitor._plain_grid(table, 200)
    assert lines is not None and "\n".join([*lines, ""]) + "\n" == rich_printed(table)
    assert len(wrapped(note, 40) or []) == 3
