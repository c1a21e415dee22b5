"""A neutral table: what a report produces and every renderer consumes.

A report builds each row once, as a mapping from column key to raw value
(Decimal money, not formatted text), and ``keyed_table`` makes the table from
those rows: the cells of the ``shown`` columns, which the people's table, CSV
and Markdown format, and ``data``, the JSON of the ``exported`` columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from budgetctl.diagnostics import Frozen
from budgetctl.model.money import format_json

TYPE_CHECKING = False  # typing itself is not imported: a warm summary does without it
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any, Literal

    Kind = Literal["text", "money", "percent", "count"]
    Row = Mapping[str, Any]  # raw values by column key; a list value is shown joined by its column's ``joiner``

Cell = str | Decimal | int | None


class Column(Frozen):
    """A column of a table: how its cells are shown, exported and named (a frozen value)."""

    __slots__ = ("exported", "for_people", "header", "joiner", "json_key", "key", "kind", "optional", "shown", "text")
    # the fields' order (the constructor's)
    __match_args__ = (
        "key",
        "header",
        "kind",
        "shown",
        "exported",
        "json_key",
        "joiner",
        "for_people",
        "text",
        "optional",
    )

    key: str
    header: str
    kind: Kind
    shown: bool  # a column of the table people and spreadsheets see; False: in JSON only
    exported: bool  # in the JSON rows (``Table.data``)
    json_key: str | None  # its name in JSON, when not ``key`` (the CSV header)
    joiner: str  # between the items of a list value, where it is shown
    for_people: bool  # False: only in CSV (an id beside its label, for spreadsheets and scripts)
    text: Callable[[Any], Cell] | None  # how a raw value is written in the cell, when not as it is
    optional: bool  # left out of a JSON row that has no value for it (a key only some records have)

    def __init__(
        self,
        key: str,
        header: str,
        kind: Kind = "text",
        shown: bool = True,
        exported: bool = True,
        json_key: str | None = None,
        joiner: str = ", ",
        for_people: bool = True,
        text: Callable[[Any], Cell] | None = None,
        optional: bool = False,
    ) -> None:
        self._set(key, header, kind, shown, exported, json_key, joiner, for_people, text, optional)


class Table:
    """Rows of raw cells (Decimal money, not formatted text); renderers format them.

    ``data`` is the report's machine-readable form for ``--format json``: given, or made by
    ``make_data`` when first read (a table printed for people never reads it).
    ``flags`` marks rows to highlight (e.g. over-allocated streams).
    """

    def __init__(
        self,
        title: str,
        columns: list[Column],
        rows: list[list[Cell]],
        total: list[Cell] | None = None,
        flags: list[bool] | None = None,
        notes: list[str] | None = None,
        data: dict[str, Any] | None = None,
        *,
        make_data: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.title = title
        self.columns = columns
        self.rows = rows
        self.total = total
        self.flags: list[bool] = [] if flags is None else flags
        self.notes: list[str] = [] if notes is None else notes
        self._data = data if data is not None or make_data is not None else {}
        self._make_data = make_data

    @property
    def data(self) -> dict[str, Any]:
        if self._data is None:
            assert self._make_data is not None
            self._data, self._make_data = self._make_data(), None
        return self._data

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self._data, self._make_data = value, None

    def _fields(self) -> tuple[Any, ...]:
        return (self.title, self.columns, self.rows, self.total, self.flags, self.notes, self.data)

    def __eq__(self, other: object) -> bool:
        return (
            self._fields() == other._fields()
            if isinstance(other, Table) and other.__class__ is Table
            else NotImplemented
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def __repr__(self) -> str:
        names = ("title", "columns", "rows", "total", "flags", "notes", "data")
        return "Table(" + ", ".join(f"{n}={v!r}" for n, v in zip(names, self._fields(), strict=True)) + ")"

    def for_people(self) -> Table:
        """The table without its CSV-only columns, for the terminal and Markdown."""
        keep = [i for i, c in enumerate(self.columns) if c.for_people]
        if len(keep) == len(self.columns):
            return self
        total = [self.total[i] for i in keep] if self.total else None
        if total is not None and self.total and not total[0]:
            total[0] = self.total[0]  # the total row's label ("Total") stays in the first column shown
        return Table(
            self.title,
            [self.columns[i] for i in keep],
            [[row[i] for i in keep] for row in self.rows],
            total,
            self.flags,
            self.notes,
            make_data=lambda: self.data,  # the same JSON, made when either table is asked for it
        )


def keyed_table(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Row],
    *,
    total: Row | None = None,
    head: Mapping[str, Any] | None = None,
    flags: list[bool] | None = None,
    notes: list[str] | None = None,
) -> Table:
    """The table of ``rows`` (each built once, keyed by column): cells for the shown columns,
    and as ``data`` the JSON ``{**head, "rows": [...], "total": {...}}`` of the exported columns,
    money as two-decimal strings; the JSON total holds the total row's money columns. The JSON
    is made when first read (from the rows as given: a caller changes neither them nor ``head``)."""
    shown = [c for c in columns if c.shown]
    exported = [c for c in columns if c.exported]
    money = [c for c in columns if c.kind == "money"]
    rows, head, total = list(rows), dict(head or {}), None if total is None else dict(total)

    def data() -> dict[str, Any]:
        found: dict[str, Any] = {
            **head,
            "rows": [
                {c.json_key or c.key: json_value(row.get(c.key)) for c in exported if c.key in row or not c.optional}
                for row in rows
            ],
        }
        if total is not None:
            found["total"] = {
                c.json_key or c.key: json_value(total[c.key]) for c in money if total.get(c.key) is not None
            }
        return found

    return Table(
        title,
        shown,
        _cells(shown, rows),
        [_cell(c, total.get(c.key)) for c in shown] if total is not None else None,
        list(flags) if flags is not None else [False] * len(rows),
        list(notes or []),
        make_data=data,
    )


def json_value(value: Any) -> Any:
    """A raw value as JSON: money as a two-decimal string, lists and mappings item by item."""
    if isinstance(value, Decimal):
        return format_json(value)
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if hasattr(type(value), "__dataclass_fields__") and not isinstance(value, type):  # a nested record, as an object
        from budgetctl import plainclass  # only a report of records has one: a summary imports none of it

        return {f.name: json_value(getattr(value, f.name)) for f in plainclass.fields(value)}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _cells(columns: list[Column], rows: list[Row]) -> list[list[Cell]]:
    """``_cell`` of each row's value in each column, a column at a time (a table can have
    10,000 rows): a column of plain values (no text function, no list) is taken as it is."""
    found = []
    for column in columns:
        values = [row.get(column.key) for row in rows]
        if column.text is not None or any(issubclass(kind, tuple | list) for kind in set(map(type, values))):
            values = [_cell(column, v) for v in values]
        found.append(values)
    return [list(cells) for cells in zip(*found, strict=True)] if found else [[] for _ in rows]


def _cell(column: Column, value: Any) -> Cell:
    if column.text is not None:
        return column.text(value)
    if isinstance(value, tuple | list):
        return column.joiner.join(str(v) for v in value)
    return value
