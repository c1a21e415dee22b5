"""Render a neutral ``Table`` as a Rich table, CSV, Markdown or JSON."""

from __future__ import annotations

from decimal import Decimal

from budgetctl.diagnostics import printable
from budgetctl.model.money import PENNY, format_json
from budgetctl.render.cells import human_cell, human_column, table_pence
from budgetctl.reports.table import Cell, Column, Table

TYPE_CHECKING = False  # typing itself is not imported: a warm summary does without it
if TYPE_CHECKING:  # each writer imports what only it needs: a warm summary prints one format
    from collections.abc import Callable

    from budgetctl.render.fit import Grid

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")


def machine_cell(column: Column, cell: Cell) -> str:
    """A cell for spreadsheets: plain numbers; text that could run as a formula is neutralised."""
    if cell is None:
        return ""
    if column.kind == "money" and isinstance(cell, Decimal):
        return format_json(cell)
    text = str(cell)
    if column.kind == "text" and text.startswith(FORMULA_START):
        return "'" + text  # OWASP: a leading quote stops spreadsheet formula evaluation
    return text


def grid_of(table: Table) -> Grid:
    """The table's cells written for people, ready to fit a terminal."""
    from budgetctl.render.fit import Grid

    table = table.for_people()
    pence = table_pence(table)
    numeric = [c.kind != "text" for c in table.columns]
    rows, styles = [], []
    for row, flag in zip(table.rows, table.flags or [False] * len(table.rows), strict=True):
        cells = [human_cell(c, v, pence) for c, v in zip(table.columns, row, strict=True)]
        if flag:
            # In words as well as in red: the flag must survive a black-and-white print.
            cells[-1] += " OVER"
        rows.append(cells)
        styles.append("red" if flag else None)
    footer = [human_cell(c, v, pence) for c, v in zip(table.columns, table.total, strict=True)] if table.total else None
    headers = [printable(c.header) for c in table.columns]
    return Grid(printable(table.title), headers, numeric, rows, styles, footer=footer)


def render_rich(table: Table) -> None:
    from rich.text import Text

    from budgetctl.render.console import stdout
    from budgetctl.render.fit import render as render_grid

    console = stdout()
    render_grid(grid_of(table), console)
    for note in table.notes:
        console.print(Text(printable(note), style="dim"))


def csv_text(table: Table, *, with_total: bool = True, for_excel: bool = False) -> str:
    """CSV with a header of column keys; exports leave the total out so the file sums cleanly.

    ``for_excel`` (a file written with -o): a UTF-8 byte order mark, so Excel on Windows
    opens it by double-click with £, accents and dashes intact. Piped CSV has none, as
    scripts expect.
    """
    import csv
    import io

    out = io.StringIO()
    if for_excel:
        out.write("\ufeff")
    # RFC 4180 line ends: the writer quotes a field holding CR or LF only when they are part
    # of its line terminator, and a bare CR left unquoted splits the row in a spreadsheet.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in table.columns])
    rows = [*table.rows, table.total] if with_total and table.total else table.rows
    # A column at a time (the same cells as machine_cell): a listing can have 10,000 rows.
    columns = [machine_column(c, [row[i] for row in rows]) for i, c in enumerate(table.columns)]
    writer.writerows(zip(*columns, strict=True) if columns else [[] for _ in rows])
    return out.getvalue()


def machine_column(column: Column, cells: list[Cell]) -> list[str]:
    """``machine_cell`` of each of a column's cells."""
    if column.kind == "money":
        # An amount already in pence is written as it is (what format_json writes after its quantize).
        return [
            ("0.00" if c.is_zero() else format(c, "f"))
            if type(c) is Decimal and c.same_quantum(PENNY)
            else machine_cell(column, c)
            for c in cells
        ]
    if column.kind != "text":
        return [machine_cell(column, c) for c in cells]
    texts = ["" if c is None else str(c) for c in cells]
    return ["'" + t if t.startswith(FORMULA_START) else t for t in texts]


def render_csv(table: Table) -> None:
    print(csv_text(table), end="")


def md_cell(column: Column, cell: Cell, pence: bool) -> str:
    """Text from the ledger escaped; amounts and percentages are budgetctl's own."""
    from budgetctl.render.text import md

    text = human_cell(column, cell, pence)
    return md(text) if column.kind == "text" else text


def render_markdown(table: Table) -> None:
    from budgetctl.render.text import md, md_column

    table = table.for_people()
    pence = table_pence(table)
    lines = [f"### {md(table.title)}", ""]
    lines.append("| " + " | ".join(md(c.header) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if c.kind != "text" else "---" for c in table.columns) + "|")
    # A column at a time (the same cells as md_cell): a listing can have 10,000 rows.
    columns = [human_column(c, [row[i] for row in table.rows], pence) for i, c in enumerate(table.columns)]
    columns = [md_column(cells) if c.kind == "text" else cells for c, cells in zip(table.columns, columns, strict=True)]
    rows = [list(cells) for cells in zip(*columns, strict=True)] if columns else [[] for _ in table.rows]
    for cells, flag in zip(rows, table.flags or [False] * len(table.rows), strict=True):
        if flag:
            cells[-1] += " **OVER**"
        lines.append("| " + " | ".join(cells) + " |")
    if table.total:
        cells = [md_cell(c, v, pence) for c, v in zip(table.columns, table.total, strict=True)]
        lines.append("| " + " | ".join(f"**{c}**" if c else "" for c in cells) + " |")
    lines.extend(["", *map(md, table.notes)] if table.notes else [])
    print("\n".join(lines))


def render_json(table: Table) -> None:
    from budgetctl.render.jsontext import indented_json

    print(indented_json(table.data))  # json.dumps(table.data, indent=2, ensure_ascii=False)


def render_table(table: Table) -> None:
    """A terminal table: plain fixed-width text for a long one (Rich's layout costs about 2 ms a
    row) when it fits the terminal uncut; else Rich's box laid out to fit (nothing cut), written
    without Rich when ``boxed`` can write exactly what Rich would (importing Rich costs 50 ms)."""
    import sys

    from budgetctl.render import plain
    from budgetctl.render.console import plain_stdout, stdout_width

    width = stdout_width()
    if len(table.rows) > plain.PLAIN_MIN_ROWS and plain.render_plain(table, max_width=width):
        return
    if plain_stdout():
        from budgetctl.render.boxed import boxed_lines, note_lines

        lines = boxed_lines(grid_of(table), width)
        notes = note_lines([printable(note) for note in table.notes], width)
        if lines is not None and notes is not None:
            sys.stdout.write("\n".join([*lines, *notes]) + "\n")
            return
    render_rich(table)


RENDERERS: dict[str, Callable[[Table], None]] = {
    "table": render_table,
    "csv": render_csv,
    "markdown": render_markdown,
    "json": render_json,
}
