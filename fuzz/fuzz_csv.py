"""Coverage-guided fuzzing of the CSV subset and actuals rows (atheris).

Each input is read as an actuals file of 2023/24 (``read_actuals``, which runs
``read_csv``) and as a CSV of a three-column header. A crash is:

* an exception escaping ``read_csv`` or ``read_actuals``;
* a problem with an unknown code, another file, or a line or column below 1;
* a problem message holding a raw CR, LF, U+0085, U+2028 or U+2029;
* rows read back from ``format_actuals`` that differ, or a canonical file that is
  not a fixed point;
* the column-at-a-time reading of a plain file (``read_actuals_columns``, and
  ``read_actuals_figures`` without rows) giving other rows, lines, cell columns,
  figures or problems than the row-at-a-time one.

Run (see fuzz/README.md):

    python fuzz/fuzz_csv.py fuzz/corpus-csv -max_len=4096 -max_total_time=600
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["budgetctl"]):
    from budgetctl.loading.actuals import (
        format_actuals,
        read_actuals,
        read_actuals_columns,
        read_actuals_figures,
        read_actuals_rows,
    )
    from budgetctl.loading.codes import CODES
    from budgetctl.loading.csvsubset import plain_columns, read_csv
    from budgetctl.model.actuals import HEADER

PATH = "data/actuals/2023-24/fuzz.csv"
BAD_IN_MESSAGE = ("\r", "\n", "\x85", "\u2028", "\u2029")


def check_problems(problems: list, path: str) -> None:
    for p in problems:
        if p.code not in CODES:
            raise AssertionError(f"unknown code {p.code!r}")
        if p.file != path or p.line < 1 or p.column < 1:
            raise AssertionError(f"problem without a place: {p}")
        if any(ch in p.message for ch in BAD_IN_MESSAGE):
            raise AssertionError(f"message holds a line break: {p.message!r}")


def check_same_both_ways(body: bytes, rows: list, columns: object, problems: list) -> None:
    """A plain file's column-at-a-time reading against the row-at-a-time one (any other file
    takes the row path in both, so there is nothing to compare)."""
    if plain_columns(body, HEADER) is None:
        return
    careful = read_actuals_rows(body, PATH, "2023/24")
    if [tuple(r) for r in rows] != [tuple(r) for r in careful[0]] or (columns, problems) != careful[1:]:
        raise AssertionError("the column path and the row path read the file differently")
    if read_actuals_figures(body, PATH, "2023/24")[1:] != careful[1:]:
        raise AssertionError("the columns without the rows differ")


def check_bytes(data: bytes) -> None:
    _, problems = read_csv(data, PATH, ("a", "b", "c"))
    check_problems(problems, PATH)
    # Most inputs fail at the header; a fixed header gives the rows a chance.
    for body in (data, b"date,project,kind,amount,reference,supplier,description\n" + data):
        rows, columns, problems = read_actuals_columns(body, PATH, "2023/24")
        check_problems(problems, PATH)
        check_same_both_ways(body, rows, columns, problems)
        if rows:
            text = format_actuals(rows)
            back, again = read_actuals(text, PATH, "2023/24")
            if again or sorted(back, key=lambda r: r.cells()) != sorted(rows, key=lambda r: r.cells()):
                raise AssertionError(f"canonical file does not read back: {again}")
            if format_actuals(back) != text:
                raise AssertionError("canonical file is not a fixed point")


def main() -> None:
    atheris.Setup(sys.argv, check_bytes)
    atheris.Fuzz()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
