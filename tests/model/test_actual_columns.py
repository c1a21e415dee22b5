"""Actuals as columns: whole pence added per project and date give exactly the Decimal the rows'
signed amounts add up to (same value, same two decimals), at any as-at date, in any files."""

from __future__ import annotations

import datetime
from collections.abc import Set as AbstractSet
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.model.actuals import ActualColumns, ActualRow, ActualsFile
from budgetctl.model.money import total
from tests.model.test_monitor_figures import PROJECTS, ROWS, YEAR, ledger

DATES = st.dates(datetime.date(2023, 3, 1), datetime.date(2024, 4, 30))


@settings(max_examples=150, deadline=None)
@given(ROWS, st.integers(1, 4), st.lists(DATES, min_size=1, max_size=4))
def test_columns_add_up_to_the_rows_exactly(rows, files, dates) -> None:
    book = ledger(rows, files)
    for as_at in [None, *dates]:
        for project in [*PROJECTS, "nobody"]:
            counted = [r.signed for r in rows if r.project == project and (as_at is None or r.date <= as_at)]
            found = book.actual_as_at(project, YEAR, as_at)
            assert str(found) == str(total(counted))  # the same digits and exponent: printed alike
    assert {k: str(v) for k, v in book.actual_totals.items()} == {
        (p, YEAR): str(total(r.signed for r in rows if r.project == p)) for p in {r.project for r in rows}
    }


def test_new_files_are_added_up_again() -> None:
    row = ActualRow(datetime.date(2023, 5, 1), "p1", "payment", Decimal("10.50"), "R1", "", "")
    book = ledger([row], 1)
    assert book.actual_as_at("p1", YEAR, datetime.date(2023, 6, 30)) == Decimal("10.50")
    book.actuals = [ActualsFile("data/actuals/2023-24/a.csv", YEAR, (row, row._replace(kind="credit")))]
    assert str(book.actual_as_at("p1", YEAR, datetime.date(2023, 6, 30))) == "0.00"


def test_rows_are_read_only_when_asked_for() -> None:
    row = ActualRow(datetime.date(2023, 5, 1), "p1", "credit", Decimal("3.25"), "R1", "", "")
    columns = ActualColumns.of([row])
    assert (columns.projects, list(columns.days), list(columns.who), list(columns.pence)) == (
        ("p1",),
        [row.date.toordinal()],
        [0],
        [-325],
    )
    reads: list[object] = []

    def read(projects: AbstractSet[str] | None) -> tuple[ActualRow, ...]:
        reads.append(projects)
        return (row,) if projects is None or row.project in projects else ()

    file = ActualsFile("data/actuals/2023-24/a.csv", YEAR, columns=columns, read=read)
    assert file.columns is columns and reads == []
    # The rows of other projects only: read for them (the file names p1, which is not wanted).
    assert file.rows_of(frozenset({"p2"})) == () and reads == [frozenset({"p2"})]
    assert file.rows_of(frozenset({"p1", "p2"})) == (row,) and len(reads) == 2  # every id wanted: the rows
    assert file.rows == (row,) and file.rows == (row,) and reads[1:] == [None]
    assert file.rows_of(frozenset({"p2"})) == () and len(reads) == 2  # filtered from the rows read


def test_an_amount_finer_than_a_penny_is_never_rounded() -> None:
    row = ActualRow(datetime.date(2023, 5, 1), "p1", "payment", Decimal("0.005"), "R1", "", "")
    with pytest.raises(ValueError, match="more than two decimals"):
        ActualColumns.of([row])
