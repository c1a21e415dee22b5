"""Long tables are written a column at a time (CSV, Markdown, plain text): every cell is the
text the cell-by-cell writers give, whatever the ledger text holds (markup, formulas, controls,
line separators, pence or none, negative zero)."""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal

import pytest

from budgetctl.render.cells import human_cell, human_columns, table_pence
from budgetctl.render.tables import csv_text, machine_cell, machine_column, md_cell, render_markdown
from budgetctl.render.text import md, md_column
from budgetctl.reports.table import Column, Table

TEXTS = [
    "plain", "Support and youth project 1", "a*b", "_x_", "[link](x)", "<b>", "# head", "- item", "1. one",
    "12) x", "=SUM(A1)", "+1", "@team", "a@b.org", "x & y", "www.example.org", "https://e.org", "a\nb", "a\rb",
    "tab\there", "line\u2028sep", "nel\u0085", "zero\u200bwidth", "£5 — ok", "", "back\\slash", "pipe|cell",
    "WWW.Example", "http:/x", "3.5", "-", "é", "~strike~", "`code`",
]  # fmt: skip
AMOUNTS = [Decimal("0.00"), Decimal("-0.00"), Decimal("1234.50"), Decimal("999999999999.99"), Decimal("17"), None]


def table(rng: random.Random, pence: bool) -> Table:
    columns = [Column("id", "Id"), Column("title", "Title"), Column("a", "A", "money"), Column("b", "B", "money")]
    columns.append(Column("share", "Share", "percent"))

    def amount() -> Decimal | None:
        found = rng.choice(AMOUNTS)
        return found if found is None or pence else found.quantize(Decimal(1))

    rows = [
        [f"p{i:03d}", rng.choice(TEXTS), amount(), amount(), rng.choice([None, Decimal("12.5")])] for i in range(60)
    ]
    total = ["Total", "", amount(), amount(), None]
    return Table("T", columns, rows, total, [rng.random() < 0.1 for _ in rows])  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(20))
def test_human_columns_are_human_cells(seed: int) -> None:
    rng = random.Random(seed)
    for pence in (True, False):
        t = table(rng, pence)
        by_cell = [[human_cell(c, v, pence) for c, v in zip(t.columns, row, strict=True)] for row in t.rows]
        columns = human_columns(t, pence)
        assert [list(row) for row in zip(*columns, strict=True)] == by_cell


@pytest.mark.parametrize("seed", range(20))
def test_csv_columns_are_machine_cells(seed: int) -> None:
    t = table(random.Random(seed), True)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in t.columns])
    for row in [*t.rows, t.total or []]:
        writer.writerow([machine_cell(c, v) for c, v in zip(t.columns, row, strict=True)])
    assert csv_text(t) == out.getvalue()
    for index, column in enumerate(t.columns):
        cells = [row[index] for row in t.rows]
        assert machine_column(column, cells) == [machine_cell(column, v) for v in cells]


@pytest.mark.parametrize("seed", range(20))
def test_markdown_columns_are_md_cells(seed: int, capsys: pytest.CaptureFixture[str]) -> None:
    t = table(random.Random(seed), seed % 2 == 0)
    render_markdown(t)
    lines = capsys.readouterr().out.splitlines()
    pence = table_pence(t)
    for row, flag, line in zip(t.rows, t.flags, lines[4:], strict=False):
        cells = [md_cell(c, v, pence) for c, v in zip(t.columns, row, strict=True)]
        assert line == "| " + " | ".join(cells) + (" **OVER**" if flag else "") + " |"


def test_md_column_is_md_of_each_text() -> None:
    rng = random.Random(7)
    for _ in range(500):
        texts = [rng.choice(TEXTS) for _ in range(rng.randint(0, 6))]
        assert md_column(texts) == [md(t) for t in texts]
    safe = ["plain", "Support and youth project 1", "p000101"]
    assert md_column(safe) is safe  # nothing to escape: the column as it is
