"""A terminal table written without Rich (``render.boxed``) is byte for byte what Rich prints for
the same table, at any width, with COLUMNS set or not, to a terminal or a pipe; whatever it
cannot write exactly (a wide or combining character, a cell or note that wraps, colour) is left
to Rich."""

from __future__ import annotations

import io
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgetctl.render import console, tables
from budgetctl.reports.table import Column, Table

# Names as a ledger may hold them: plain, accented (one code point or combining), East Asian wide,
# emoji, spaces at the ends, long words.
NAMES = st.lists(
    st.sampled_from([*"abcXYZ -/£—…ßΩ", "\u00e9", "e\u0301", "\u4e1c", "\u4eac", "\U0001f642", "\u00a0"]),
    max_size=30,
).map("".join) | st.sampled_from(["Victims Services", "x" * 90, "Specific Grant and Partner Contributions"])
KINDS = st.sampled_from(["text", "money", "percent", "count"])


def amounts() -> st.SearchStrategy[Decimal | None]:
    digits = st.integers(min_value=-(10**15), max_value=10**15)
    return st.none() | digits.map(lambda n: Decimal(n).scaleb(-2)) | digits.map(Decimal)


@st.composite
def random_tables(draw: st.DrawFn) -> Table:
    kinds = draw(st.lists(KINDS, min_size=1, max_size=6))
    columns = [Column(f"c{i}", draw(NAMES), kind) for i, kind in enumerate(kinds)]

    def cell(kind: str) -> object:
        if kind == "text":
            return draw(NAMES)
        if kind == "money":
            return draw(amounts())
        if kind == "percent":
            return draw(st.none() | st.decimals(min_value=-1000, max_value=1000, places=1))
        return draw(st.integers(min_value=0, max_value=10**6))

    rows = [[cell(k) for k in kinds] for _ in range(draw(st.integers(min_value=0, max_value=12)))]
    total = [cell(k) for k in kinds] if draw(st.booleans()) else None
    flags = [draw(st.booleans()) for _ in rows]
    notes = draw(st.lists(NAMES | st.sampled_from(["Revised = approved + adjustments. " * 4]), max_size=3))
    return Table(draw(NAMES), columns, rows, total, flags, notes)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def printed(table: Table, monkeypatch: pytest.MonkeyPatch, out: io.StringIO, *, rich: bool) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", out)
        if rich:  # the table as Rich lays it out
            patch.setattr(console, "plain_stdout", lambda: False)
        tables.render_table(table)
    return out.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=random_tables(),
    width=st.integers(min_value=40, max_value=250),
    columns_set=st.booleans(),
    terminal=st.booleans(),
)
def test_the_table_without_rich_is_what_rich_prints(
    monkeypatch: pytest.MonkeyPatch, table: Table, width: int, columns_set: bool, terminal: bool
) -> None:
    with monkeypatch.context() as patch:
        patch.delenv("FORCE_COLOR", raising=False)
        if terminal:  # a terminal without colour: NO_COLOR
            patch.setenv("NO_COLOR", "1")
        else:
            patch.delenv("NO_COLOR", raising=False)
        if columns_set or terminal:
            patch.setenv("COLUMNS", str(width))
        else:
            patch.delenv("COLUMNS", raising=False)
        make = Terminal if terminal else io.StringIO
        assert printed(table, monkeypatch, make(), rich=False) == printed(table, monkeypatch, make(), rich=True)


def test_an_ordinary_summary_is_written_without_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above is not vacuous: a short table of streams, piped, takes the plain path."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    table = Table(
        "Commissioning budget 2023/24",
        [Column("name", "Programme"), Column("budget", "Budget £", "money"), Column("p", "% allocated", "percent")],
        [["Victims Services", Decimal("1200000.00"), Decimal("87.5")], ["Core", Decimal("5.10"), None]],
        ["Total", Decimal("1200005.10"), Decimal("87.5")],
        [False, True],
        ["Over-allocated: Core."],
    )
    calls: list[Table] = []
    monkeypatch.setattr(tables, "render_rich", calls.append)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    tables.render_table(table)
    assert calls == [] and "│ Core             │         5.10 │      — OVER │" in out.getvalue()


def test_most_ordinary_tables_take_the_plain_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables of ASCII names at random widths: most are written without Rich, each as Rich prints it."""
    import random

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    rng = random.Random(7)
    plain = 0
    real = tables.render_rich
    calls: list[Table] = []
    for _ in range(100):
        money = [Decimal(rng.randint(0, 10 ** rng.randint(1, 12))).scaleb(-2) for _ in range(3)]
        names = [" ".join(rng.choice(["Victims", "Fund", "Core", "Grant"]) for _ in range(rng.randint(1, 8)))]
        table = Table(
            "Commissioning budget",
            [Column("name", "Programme"), Column("m", "Budget £", "money"), Column("n", "Allocated £", "money")],
            [[names[0], money[0], money[1]]],
            ["Total", money[0], money[2]],
            [rng.random() < 0.3],
            ["A note."],
        )
        width = rng.randint(40, 250)
        monkeypatch.setenv("COLUMNS", str(width))
        with_rich = printed(table, monkeypatch, io.StringIO(), rich=True)
        calls.clear()
        with monkeypatch.context() as patch:
            patch.setattr(tables, "render_rich", lambda t: (calls.append(t), real(t)))
            assert printed(table, monkeypatch, io.StringIO(), rich=False) == with_rich
        plain += not calls
    assert plain > 60


@pytest.mark.parametrize("columns", [None, "", "0", "1", "57", "200", "0250", "abc", "²", " 80"])
def test_the_width_known_without_rich_is_richs(monkeypatch: pytest.MonkeyPatch, columns: str | None) -> None:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    try:
        expected = console.stdout().width
    except ValueError:  # Rich itself cannot read it
        return
    assert console.stdout_width() == expected
