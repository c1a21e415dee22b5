"""A short boxed table written without Rich: byte for byte what Rich prints for the layout
``fit.render`` chooses, in the one case where that is plain to reproduce.

That case: no colour (Rich's styles then write nothing), a UTF-8 output (else Rich draws the
box in ASCII), every column at its natural width with whole headers (nothing wraps), and cells
whose characters each take one column and are never stripped. Anything else returns None and
the caller lets Rich lay the table out. Importing Rich costs about 50 ms: a third of `show`.
"""

from __future__ import annotations

from budgetctl.render.fit import Grid, numeric_widths, text_widths

# Rich's HEAVY_HEAD box, the default of rich.table.Table: top, header, header rule, row,
# row rule (a section's end, and above the footer) and bottom.
TOP = "┏━┳┓"
HEAD = "┃┃┃"
HEAD_RULE = "┡━╇┩"
ROW = "│││"
RULE = "├─┼┤"
BOTTOM = "└─┴┘"


def _narrow(text: str) -> bool:
    """Every character takes one column in Rich's measure (Latin letters, £, the dash), and Rich
    keeps the text as it is in a cell that fits (no space it would strip at an end)."""
    return text == text.strip() and all(ord(ch) < 0x300 or ch in "—…" for ch in text)


def boxed_lines(grid: Grid, width: int) -> list[str] | None:
    """The lines (without line ends) Rich prints for ``grid`` at ``width`` columns, or None."""
    overhead = 3 * len(grid.headers) + 1
    numbers = numeric_widths(grid, whole_headers=True)
    texts = text_widths(grid, width - overhead - sum(numbers))
    rows = [*grid.rows, *([grid.footer] if grid.footer else [])]
    natural = [
        max([len(row[i]) for row in rows] + [len(grid.headers[i]), 1])
        for i, number in enumerate(grid.numeric)
        if not number
    ]
    if texts is None or texts != natural or not grid.headers:
        return None  # a text column is narrowed: Rich wraps it
    if not all(_narrow(cell) for row in [grid.headers, *rows] for cell in row):
        return None
    numbered, worded = iter(numbers), iter(texts)
    widths = [next(numbered) if number else next(worded) for number in grid.numeric]
    table_width = sum(widths) + overhead
    if grid.title and (len(grid.title) > table_width or not _narrow(grid.title)):
        return None  # Rich would wrap the title

    def rule(box: str) -> str:
        return box[0] + box[2].join(box[1] * (w + 2) for w in widths) + box[3]

    def line(cells: list[str], box: str) -> str:
        parts = [
            cell.rjust(w) if number else cell.ljust(w)
            for cell, w, number in zip(cells, widths, grid.numeric, strict=True)
        ]
        return box[0] + " " + f" {box[1]} ".join(parts) + " " + box[2]

    lines = [grid.title.ljust(table_width)] if grid.title else []
    lines += [rule(TOP), line(grid.headers, HEAD), rule(HEAD_RULE)]
    for index, row in enumerate(grid.rows):
        lines.append(line(row, ROW))
        # Rich draws a section's end rule after any row but the last (the footer has its own).
        if index < len(grid.section_ends) and grid.section_ends[index] and index < len(grid.rows) - 1:
            lines.append(rule(RULE))
    if grid.footer:
        lines += [rule(RULE), line(grid.footer, ROW)]
    lines.append(rule(BOTTOM))
    return lines


def note_lines(notes: list[str], width: int) -> list[str] | None:
    """The lines Rich prints for ``notes`` (each a ``Text`` without colour) at ``width`` columns,
    when none of them wraps; else None."""
    if all(len(note) <= width and _narrow(note) for note in notes):
        return notes
    return None
