"""Fit a table to the terminal without cutting anything off.

Rich shrinks every column, numbers included, when a table is wider than the
terminal, and ellipsises what no longer fits ("17,175,399.…"). Here the widths
are chosen first: an amount column is always as wide as its widest amount, and
only text columns wrap (folding a long id rather than cutting it). When the
amounts leave too little room for the labels, the layout is stacked instead:
each row's labels on a line of their own with its amounts on the next; when
even the amounts do not fit on one line, each amount gets a line of its own.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported: a short table written without Rich does without it
if TYPE_CHECKING:
    from rich.console import Console

TEXT_FLOOR = 10  # narrower text columns than this wrap every other word: stack instead
GAP = "  "  # between amounts in the stacked layout
LABEL_JOIN = " · "  # between a row's text cells when they share a line


class Grid:
    """Cells already written for people; ``numeric`` columns are never wrapped or cut.
    (Not a dataclass: a short table is written without importing dataclasses.)"""

    def __init__(
        self,
        title: str | None,
        headers: list[str],
        numeric: list[bool],
        rows: list[list[str]],
        styles: list[str | None] | None = None,  # per row: a Rich style or None
        section_ends: list[bool] | None = None,  # a rule after this row
        footer: list[str] | None = None,
        labels: list[str] | None = None,  # per column, for the one-amount-per-line layout
        footer_style: str | None = None,
    ) -> None:
        self.title = title
        self.headers = headers
        self.numeric = numeric
        self.rows = rows
        self.styles: list[str | None] = [] if styles is None else styles
        self.section_ends: list[bool] = [] if section_ends is None else section_ends
        self.footer = footer
        self.labels = labels
        self.footer_style = footer_style


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _all_rows(grid: Grid) -> list[list[str]]:
    return [*grid.rows, *([grid.footer] if grid.footer else [])]


def numeric_widths(grid: Grid, *, whole_headers: bool) -> list[int]:
    """Each amount column's width: its widest cell, or its header (whole, or its longest word)."""
    rows = _all_rows(grid)
    header = len if whole_headers else _longest_word
    return [
        max([len(row[i]) for row in rows] + [header(grid.headers[i]), 1])
        for i, is_number in enumerate(grid.numeric)
        if is_number
    ]


def text_widths(grid: Grid, room: int) -> list[int] | None:
    """Widths for the text columns within ``room``, or None when they would be too narrow."""
    rows = _all_rows(grid)
    natural = [
        max([len(row[i]) for row in rows] + [len(grid.headers[i]), 1])
        for i, is_number in enumerate(grid.numeric)
        if not is_number
    ]
    floors = [min(width, TEXT_FLOOR) for width in natural]
    if sum(floors) > room:
        return None
    words = [
        max(floor, *(_longest_word(row[i]) for row in rows), _longest_word(grid.headers[i]))
        for floor, i in zip(floors, (i for i, n in enumerate(grid.numeric) if not n), strict=True)
    ]
    widths = list(natural)
    # Wrap between words first; fold inside a word (an id) only when that is not enough.
    for limits in (words, floors):
        while sum(widths) > room and any(w > limit for w, limit in zip(widths, limits, strict=True)):
            index = max((i for i in range(len(widths)) if widths[i] > limits[i]), key=lambda i: widths[i])
            widths[index] -= 1
    return widths


def render(grid: Grid, console: Console) -> None:
    """Print ``grid`` in the widest layout that fits ``console.width``."""
    width = console.width
    overhead = 3 * len(grid.headers) + 1  # a border before each column and after the last, a space each side
    # Amount headers stay on one line when the labels still fit; else they wrap.
    for whole_headers in (True, False):
        numbers = numeric_widths(grid, whole_headers=whole_headers)
        texts = text_widths(grid, width - overhead - sum(numbers))
        if texts is not None:
            console.print(_boxed(grid, numbers, texts))
            return
    stacked = numeric_widths(grid, whole_headers=True)
    if sum(stacked) + len(GAP) * (len(stacked) - 1) <= width:
        _print_lines(console, _stacked(grid, stacked, width))
    else:
        _print_lines(console, _records(grid, numbers, width))


def _number_indexes(grid: Grid) -> list[int]:
    return [i for i, is_number in enumerate(grid.numeric) if is_number]


def _boxed(grid: Grid, numbers: list[int], texts: list[int]) -> object:
    from rich.table import Table
    from rich.text import Text

    show_footer = grid.footer is not None
    table = Table(title=grid.title, title_justify="left", show_footer=show_footer)
    widths = iter(numbers), iter(texts)
    for index, header in enumerate(grid.headers):
        number = grid.numeric[index]
        table.add_column(
            # Headers may wrap even over an amount column; an amount never does.
            Text(header, no_wrap=False, overflow="fold"),
            footer=Text(grid.footer[index], style=grid.footer_style or "") if grid.footer else "",
            justify="right" if number else "left",
            no_wrap=number,
            overflow="fold",
            width=next(widths[0] if number else widths[1]),
        )
    for index, row in enumerate(grid.rows):
        style = grid.styles[index] if index < len(grid.styles) else None
        end = grid.section_ends[index] if index < len(grid.section_ends) else False
        table.add_row(*(Text(cell, style=style or "") for cell in row), end_section=end)
    return table


def _label(grid: Grid, row: list[str]) -> str:
    return LABEL_JOIN.join(cell for cell, number in zip(row, grid.numeric, strict=True) if not number and cell)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap  # here: its patterns take milliseconds to compile, and a long table is printed without it

    # break_long_words: an id longer than the line is folded, never cut.
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _amount_line(grid: Grid, row: list[str], widths: list[int]) -> str:
    cells = [row[i] for i in _number_indexes(grid)]
    return GAP.join(cell.rjust(w) for cell, w in zip(cells, widths, strict=True))


def _stacked(grid: Grid, widths: list[int], width: int) -> list[tuple[str, str | None]]:
    """A header line for the amounts, then per row: its labels, then its amounts."""
    headers = [grid.headers[i] for i in _number_indexes(grid)]
    rule = "─" * min(width, sum(widths) + len(GAP) * (len(widths) - 1))
    text_header = LABEL_JOIN.join(h for h, number in zip(grid.headers, grid.numeric, strict=True) if not number)
    lines: list[tuple[str, str | None]] = [(grid.title, None)] if grid.title else []
    lines += [(line, "bold") for line in _wrap(text_header, width)]
    lines.append((GAP.join(h.rjust(w) for h, w in zip(headers, widths, strict=True)), "bold"))
    lines.append((rule, None))
    body = [(row, grid.styles[i] if i < len(grid.styles) else None) for i, row in enumerate(grid.rows)]
    for index, (row, style) in enumerate(body):
        lines += [(line, style) for line in _wrap(_label(grid, row), width)]
        lines.append((_amount_line(grid, row, widths), style))
        if index < len(grid.section_ends) and grid.section_ends[index] and index < len(body) - 1:
            lines.append((rule, None))
    if grid.footer:
        lines.append((rule, None))
        lines += [(line, grid.footer_style) for line in _wrap(_label(grid, grid.footer), width)]
        lines.append((_amount_line(grid, grid.footer, widths), grid.footer_style))
    return lines


def _records(grid: Grid, numbers: list[int], width: int) -> list[tuple[str, str | None]]:
    """Per row: its labels, then one indented ``label  amount`` line per amount column."""
    indexes = _number_indexes(grid)
    labels = [(grid.labels or grid.headers)[i] for i in indexes]
    value_width = max(numbers)
    label_width = max(4, min(max(len(label) for label in labels), width - value_width - 4))
    rule = "─" * width
    lines: list[tuple[str, str | None]] = [(grid.title, None)] if grid.title else []
    body = [(row, grid.styles[i] if i < len(grid.styles) else None) for i, row in enumerate(grid.rows)]
    if grid.footer:
        body.append((grid.footer, grid.footer_style))
    for row, style in body:
        lines.append((rule, None))
        lines += [(line, style or "bold") for line in _wrap(_label(grid, row), width)]
        for label, column in zip(labels, indexes, strict=True):
            wrapped = _wrap(label, label_width)
            for extra in wrapped[:-1]:
                lines.append(("  " + extra, style))
            lines.append(("  " + wrapped[-1].ljust(label_width) + "  " + row[column].rjust(value_width), style))
    return lines


def _print_lines(console: Console, lines: list[tuple[str, str | None]]) -> None:
    from rich.text import Text

    for line, style in lines:
        # Lines are already fitted; one long word (a path) runs on rather than being cut.
        console.print(Text(line.rstrip(), style=style or ""), soft_wrap=True)


def print_wrapped(console: Console, text: str, *, indent: int = 0, hang: int = 4, style: str | None = None) -> None:
    """A line of prose wrapped to the terminal, continuation lines indented under it."""
    import textwrap

    lines = textwrap.wrap(
        text,
        max(console.width, 20),
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + hang),
        break_long_words=False,  # a path longer than the line runs on: the terminal wraps it whole
        break_on_hyphens=False,
    )
    _print_lines(console, [(line, style) for line in lines or [""]])


def print_fields(console: Console, fields: list[tuple[str, str]]) -> None:
    """``label  value`` lines, long values wrapped under their value's first character."""
    _print_lines(console, [(line, None) for line in field_lines(fields, console.width)])


def field_lines(fields: list[tuple[str, str]], width: int) -> list[str]:
    """The lines ``print_fields`` prints at ``width`` columns (each as Rich prints it: right-stripped)."""
    import textwrap

    label_width = max(len(label) for label, _ in fields)
    found = []
    for label, value in fields:
        lines = textwrap.wrap(
            value,
            max(width - label_width - 2, 20),
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
        found.append(f"{label.ljust(label_width)}  {lines[0]}".rstrip())
        found += [(" " * (label_width + 2) + line).rstrip() for line in lines[1:]]
    return found
