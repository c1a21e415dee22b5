"""A keyed table makes its JSON when first read (a table printed for people never reads it): the
JSON is what the rows gave when the table was made, shared with the table for people, and
what a report writes into it stays."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetctl.reports import table as tables
from budgetctl.reports.table import Column, Table, keyed_table

COLUMNS = [
    Column("id", "Id", for_people=False),
    Column("name", "Name"),
    Column("tags", "Tags", joiner="; "),
    Column("amount", "Amount £", "money"),
    Column("note", "Note", shown=False, optional=True),
    Column("share", "Share", "percent", exported=False),
]
ROWS = [
    {"id": "a", "name": "Alpha", "tags": ["x", "y"], "amount": Decimal("10.5"), "share": Decimal("25.0")},
    {"id": "b", "name": "Beta", "tags": [], "amount": Decimal("31.50"), "note": "n", "share": None},
]
JSON = {
    "year": "2023/24",
    "rows": [
        {"id": "a", "name": "Alpha", "tags": ["x", "y"], "amount": "10.50"},
        {"id": "b", "name": "Beta", "tags": [], "amount": "31.50", "note": "n"},
    ],
    "total": {"amount": "42.00"},
}


def made() -> Table:
    return keyed_table("T", COLUMNS, ROWS, total={"id": "Total", "amount": Decimal("42.00")}, head={"year": "2023/24"})


def test_the_json_is_made_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = tables.json_value

    def counted(value: object) -> object:
        calls.append(value)
        return real(value)

    monkeypatch.setattr(tables, "json_value", counted)
    table = made()
    assert table.rows == [
        ["a", "Alpha", "x; y", Decimal("10.5"), Decimal("25.0")],
        ["b", "Beta", "", Decimal("31.50"), None],
    ]
    people = table.for_people()
    assert [c.key for c in people.columns] == ["name", "tags", "amount", "share"]
    assert calls == []  # neither table has formatted an amount for JSON
    assert people.data == JSON
    assert people.data is table.data  # one JSON, made once
    made_once = len(calls)
    assert table.data == JSON and len(calls) == made_once


def test_what_a_report_writes_into_the_json_stays() -> None:
    table = made()
    table.data["total"] = {"all": "1"}
    assert table.data == {**JSON, "total": {"all": "1"}}
    other = made()
    other.data = {"replaced": True}
    assert other.data == {"replaced": True}
    assert other.for_people().data == {"replaced": True}


def test_tables_compare_by_their_json_too() -> None:
    assert made() == made()
    given = Table(made().title, made().columns, made().rows, made().total, made().flags, [], JSON)
    assert given == made()
    assert given != Table(given.title, given.columns, given.rows, given.total, given.flags, [], {**JSON, "year": "x"})
    assert Table("T", [], []).data == {}
