"""The plain actuals reader cuts a file's cells at once and matches its ids and amounts joined in
one pass (``csvsubset.plain_columns``, ``actuals._plain``); before, it split each line and matched
each id and amount alone. Both readings must take exactly the same files, and give the same rows
(values, lines, cell columns), the same columns (down to their types) and the same problems: the
reading before is kept here, as it was, and compared over hostile files and hypothesis input."""

from __future__ import annotations

import re
from array import array
from datetime import date
from decimal import Decimal
from itertools import count, repeat
from operator import methodcaller
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.loading import csvsubset
from budgetctl.loading.actuals import (
    _DATE,
    _FORMULA_AFTER_COMMA,
    _ID,
    _PLAIN_KINDS,
    _PLAIN_MONEY,
    HEADER,
    read_actuals_figures,
    read_actuals_rows,
)
from budgetctl.loading.csvsubset import MAX_FILE_BYTES, MAX_ROWS, _may_hold_forbidden
from budgetctl.model.actuals import KIND_INDEX, REDUCING, ActualColumns, ActualRow
from budgetctl.model.periods import year_bounds
from tests.loading.test_actuals_plain_path import HEAD, rows

PATH = "data/actuals/2023-24/a.csv"
YEAR = "2023/24"


def plain_columns_before(data: bytes, header: tuple[str, ...]) -> tuple[str, list[tuple[str, ...]]] | None:
    if len(data) > MAX_FILE_BYTES or data.startswith(b"\xef\xbb\xbf") or b'"' in data or b"\r" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _may_hold_forbidden(text):
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines or len(lines) > MAX_ROWS + 1 or lines[0] != ",".join(header):
        return None
    width = len(header)
    cells = [line.split(",") for line in lines[1:]]
    if cells and set(map(len, cells)) != {width}:
        return None
    return text, (list(zip(*cells, strict=True)) if cells else [()] * width)


def plain_before(text: str, cells: Any, year: str, with_rows: bool) -> Any:
    dates, projects, kinds, amounts, references, suppliers, descriptions = cells
    if not set(kinds) <= _PLAIN_KINDS.keys():
        return None
    first, last = year_bounds(year)
    day_of: dict[str, date] = {}
    for written in set(dates):
        if not _DATE.fullmatch(written):
            return None
        try:
            when = date.fromisoformat(written)
        except ValueError:
            return None
        if not first <= when <= last:
            return None
        day_of[written] = when
    names = dict.fromkeys(projects)
    if (
        not all(map(_ID.fullmatch, names))
        or not all(map(_PLAIN_MONEY.fullmatch, amounts))
        or not all(map(str.strip, references))
        or _FORMULA_AFTER_COMMA.search(text)
    ):
        return None
    index = {name: i for i, name in enumerate(names)}
    ordinal = {written: when.toordinal() for written, when in day_of.items()}
    cents = list(map(int, map(methodcaller("replace", ".", ""), amounts)))
    if set(kinds) != {"payment"}:
        cents = [-c if kind in REDUCING else c for c, kind in zip(cents, kinds, strict=True)]
    columns = ActualColumns(
        tuple(names),
        array("i", map(ordinal.__getitem__, dates)),
        array("i", map(index.__getitem__, projects)),
        array("q", cents),
        references,
        bytes(map(KIND_INDEX.__getitem__, kinds)),
    )
    if not with_rows:
        return None, columns
    c2 = [13 + n for n in map(len, projects)]
    c3 = [c + n + 1 for c, n in zip(c2, map(len, kinds), strict=True)]
    c4 = [c + n + 1 for c, n in zip(c3, map(len, amounts), strict=True)]
    c5 = [c + n + 1 for c, n in zip(c4, map(len, references), strict=True)]
    c6 = [c + n + 1 for c, n in zip(c5, map(len, suppliers), strict=True)]
    shared_id = dict(zip(names, names, strict=True))
    shared_kind = {kind: _PLAIN_KINDS[kind][0] for kind in set(kinds)}
    values = zip(
        map(day_of.__getitem__, dates),
        map(shared_id.__getitem__, projects),
        map(shared_kind.__getitem__, kinds),
        map(Decimal, amounts),
        references,
        suppliers,
        descriptions,
        count(2),
        zip(repeat(1), repeat(12), c2, c3, c4, c5, c6),
    )
    return list(map(tuple.__new__, repeat(ActualRow), values)), columns


def figures_before(data: bytes, with_rows: bool) -> Any:
    plain = plain_columns_before(data, HEADER)
    made = None if plain is None else plain_before(*plain, YEAR, with_rows)
    if made is not None:
        return made[0], made[1], []
    return read_actuals_rows(data, PATH, YEAR)


def shown(found: Any) -> Any:
    """Everything a reading gives, rows as plain tuples (line and columns included), and each
    column's type with its value."""
    rows, columns, problems = found
    kept = None if columns is None else [(type(v), v) for v in (getattr(columns, f) for f in columns.__slots__)]
    return None if rows is None else [tuple(row) for row in rows], kept, problems


def same(data: bytes) -> None:
    before, after = plain_columns_before(data, HEADER), csvsubset.plain_columns(data, HEADER)
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert before[0] == after[0] and [list(column) for column in before[1]] == after[1]
    for with_rows in (True, False):
        assert shown(read_actuals_figures(data, PATH, YEAR, rows=with_rows)) == shown(figures_before(data, with_rows))


GOOD = "2023-04-28,isva-service,payment,20833.33,AP-104233,Example Support Services,April"


@pytest.mark.parametrize(
    "text",
    [
        "",
        HEAD,
        HEAD + "\n",
        HEAD + "\n\n",
        HEAD + "\n" + GOOD,
        HEAD + "\n" + GOOD + "\n",
        HEAD + "\n" + GOOD + "\n\n",
        HEAD + "\n\n" + GOOD + "\n",
        HEAD + "\n" + GOOD + ",\n",  # a cell too many
        HEAD + "\n" + GOOD.replace(",April", "") + "\n",  # one too few
        # one line a cell short and the next a cell over: as many cells in all
        HEAD + "\n" + GOOD.replace(",April", "") + "\n" + GOOD + ",x\n",
        HEAD + "\n" + GOOD + "\n" + GOOD.replace("AP-104233", "AP-2") + "\n",
        HEAD + "\n" + GOOD.replace("isva-service", "") + "\n",  # an empty id
        HEAD + "\n" + GOOD.replace("isva-service", "isva-") + "\n",
        HEAD + "\n" + GOOD.replace("isva-service", "Isva") + "\n",
        HEAD + "\n" + GOOD.replace("isva-service", "isva\u2028x") + "\n",  # a line separator (forbidden)
        HEAD + "\n" + GOOD.replace("isva-service", "isva\x85x") + "\n",
        HEAD + "\n" + GOOD.replace("isva-service", "isva\x0bx") + "\n",
        HEAD + "\n" + GOOD.replace("20833.33", "") + "\n",
        HEAD + "\n" + GOOD.replace("20833.33", "٢.٠٠") + "\n",  # Arabic-Indic digits: int() would take them
        HEAD + "\n" + GOOD.replace("20833.33", "2_0.00") + "\n",
        HEAD + "\n" + GOOD.replace("20833.33", " 20.00") + "\n",
        HEAD + "\n" + GOOD.replace("20833.33", "20.00 ") + "\n",
        HEAD + "\n" + GOOD.replace("20833.33", "20.00\x0c") + "\n",
        HEAD + "\n" + GOOD.replace("20833.33", "999999999999.99") + "\n",
        HEAD + "\n" + GOOD.replace("20833.33", "1000000000000.00") + "\n",
        HEAD + "\n" + GOOD + "\n" + GOOD.replace("20833.33", "1.5").replace("AP-104233", "AP-2") + "\n",
        HEAD + "\n" + GOOD.replace("payment", "credit") + "\n" + GOOD.replace("AP-104233", "AP-2") + "\n",
        HEAD + "\n" + GOOD.replace("AP-104233", " ") + "\n",
        HEAD + "\n" + GOOD.replace("April", "=1+1") + "\n",
        HEAD + "\n" + GOOD.replace(",", ",,", 1) + "\n",
        HEAD.replace("date", "Date") + "\n" + GOOD + "\n",
    ],
)
def test_hostile_files_read_the_same_as_before(text: str) -> None:
    same(text.encode())


@settings(max_examples=400, deadline=None)
@given(rows, st.sampled_from(["\n", ""]), st.sampled_from(["", "\ufeff"]))
def test_plain_looking_files_read_the_same_as_before(table: list[tuple[str, ...]], last: str, bom: str) -> None:
    same((bom + "\n".join([HEAD, *(",".join(row) for row in table)]) + last).encode())


@settings(max_examples=300, deadline=None)
@given(rows, st.integers(min_value=0, max_value=400), st.sampled_from(list('"\r\n,\tx\xa0\u200b\u2028\x85٣-.')))
def test_one_character_more_anywhere_reads_the_same_as_before(
    table: list[tuple[str, ...]], at: int, extra: str
) -> None:
    text = "\n".join([HEAD, *(",".join(row) for row in table)]) + "\n"
    at = min(at, len(text))
    same((text[:at] + extra + text[at:]).encode())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.-,\nabz ٣")), max_size=120))
def test_any_text_after_the_header_reads_the_same_as_before(rest: str) -> None:
    same((HEAD + "\n" + rest).encode())


def test_a_year_of_a_thousand_rows_reads_the_same_as_before() -> None:
    lines = [
        f"2023-{4 + i % 9:02d}-{1 + i % 28:02d},p{i % 317:06d},{('payment', 'credit')[i % 7 == 0]},"
        f"{i * 37 % 100000}.{i % 100:02d},AP-{i},Supplier {i % 13},Row {i}"
        for i in range(1000)
    ]
    data = "\n".join([HEAD, *lines, ""]).encode()
    assert re.search(rb'["\r]', data) is None and csvsubset.plain_columns(data, HEADER) is not None
    assert read_actuals_figures(data, PATH, YEAR)[2] == []
    same(data)
