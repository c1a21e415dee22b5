"""Short tables written without Rich: byte for byte what Rich prints for the layout ``fit.render``
chooses (the boxed table), for the monitoring report's compact grid, and for a note under them,
in the one case where that is plain to reproduce.

That case: no colour (Rich's styles then write nothing), a UTF-8 output (else Rich draws the
box in ASCII), every column at its natural width with whole headers (nothing wraps), and cells
whose characters each take one column and are never stripped. Anything else returns None and
the caller lets Rich lay the table out. Importing Rich costs about 50 ms: a third of `show`,
half of a warm `summary` of a usual ledger. Tests hold each writer to Rich's bytes.
"""

from __future__ import annotations

import re

from budgetctl.render.fit import Grid, numeric_widths, text_widths

# Rich's HEAVY_HEAD box, the default of rich.table.Table: top, header, header rule, row,
# row rule (a section's end, and above the footer) and bottom.
TOP = "┏━┳┓"
HEAD = "┃┃┃"
HEAD_RULE = "┡━╇┩"
ROW = "│││"
RULE = "├─┼┤"
BOTTOM = "└─┴┘"
_WORD = re.compile(r"\s*\S+\s*")  # Rich's word (rich._wrap): spaces, a word and the spaces after it


def _one_column(text: str) -> bool:
    """Every character takes one column in Rich's measure (Latin letters, £, the dash)."""
    return all(ord(ch) < 0x300 or ch in "—…" for ch in text)


def _narrow(text: str) -> bool:
    """``_one_column``, and Rich keeps the text as it is in a cell that fits (no space it would
    strip at an end)."""
    return text == text.strip() and _one_column(text)


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
    or None when Rich would fold a word or measure a character otherwise."""
    found: list[str] = []
    for note in notes:
        lines = wrapped(note, width)
        if lines is None:
            return None
        found += lines
    return found


def wrapped(text: str, width: int) -> list[str] | None:
    """Rich's wrapping of one line of text at ``width`` (``rich._wrap.divide_line``): a word and
    the spaces after it stay on a line while the word fits; spaces beyond the width are dropped.
    None when a word is longer than the line (Rich folds it) or a character is not one column."""
    if not text.isprintable() or not _one_column(text):
        return None  # a character Rich measures otherwise, a line end or a tab
    lines: list[str] = []
    start = offset = 0
    for word in _WORD.finditer(text):
        length = len(word.group().rstrip())
        if length > width:
            return None
        if width - offset < length and offset and word.start():
            lines.append(text[start : word.start()])
            start, offset = word.start(), 0
        offset += word.end() - word.start()
    lines.append(text[start:])
    return [line[:width] + line[width:].rstrip() if len(line) > width else line for line in lines]


def compact_lines(
    title: str, headers: list[str], right: list[bool], rows: list[list[str]], footer: list[str], minimum: list[int],
    width: int,
) -> list[str] | None:  # fmt: skip
    """The lines Rich prints for a compact table (box SIMPLE_HEAD, no edge, padding collapsed, a
    footer; ``minimum``: each column's min_width) at ``width`` columns; None when a column would
    be narrowed or wrapped, or a cell measured otherwise."""
    every = [headers, *rows, footer]
    if not headers or not all(_narrow(cell) for row in every for cell in row):
        return None
    widths = [max(max(len(row[i]) for row in every), minimum[i], 1) for i in range(len(headers))]
    table_width = sum(widths) + 2 * (len(widths) - 1)  # a padding space and a divider between columns
    if table_width > width or (title and (len(title) > table_width or not _narrow(title))):
        return None

    def line(cells: list[str]) -> str:
        return "  ".join(cell.rjust(w) if r else cell.ljust(w) for cell, w, r in zip(cells, widths, right, strict=True))

    lines = [title.ljust(table_width)] if title else []
    lines += [line(headers), "─" * table_width, *map(line, rows), " " * table_width, line(footer)]
    return lines
