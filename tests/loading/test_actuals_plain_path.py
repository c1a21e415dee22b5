"""The column-at-a-time reading of plain actuals files gives exactly the row-at-a-time reading.

``read_actuals_columns`` splits a plain file (no quote, CR or forbidden character,
every row in the common form) a column at a time; anything else is read a row at a
time by ``read_actuals_rows``. Both must give the same rows (values, line and cell
columns), the same figures and the same problems for every file: these tests build
files near the edge of "plain" and compare the two.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.loading import actuals
from budgetctl.loading.actuals import (
    HEADER,
    read_actuals,
    read_actuals_columns,
    read_actuals_figures,
    read_actuals_rows,
)
from budgetctl.loading.csvsubset import plain_columns
from budgetctl.model.actuals import ActualColumns

PATH = "data/actuals/2023-24/a.csv"
HEAD = ",".join(HEADER)

DATES = ["2023-04-01", "2023-06-30", "2024-03-31", "2024-02-29", "2023-02-30", "2024-04-01", "2023-03-31", "23-04-01"]
IDS = ["isva-service", "p000001", "a", "isva--service", "ISVA", "-x", "x9-y"]
KINDS = ["payment", "credit", "accrual-reversal", "accrual", "Payment", ""]
AMOUNTS = ["1.00", "0.05", "20833.33", "123456789012.99", "1234567890123.00", "1.5", "01.00", "-1.00", "1,000.00", "0"]
TEXTS = ["AP-1", "Example Trust", "", " ", "=1+1", "+44", "-x", "@A1", "x=y", "é café", "a b"]


def both(data: bytes) -> None:
    fast = read_actuals_columns(data, PATH, "2023/24")
    careful = read_actuals_rows(data, PATH, "2023/24")
    assert [tuple(row) for row in fast[0]] == [tuple(row) for row in careful[0]]
    assert fast[1] == careful[1] == ActualColumns.of(careful[0])
    assert fast[2] == careful[2]
    assert read_actuals_figures(data, PATH, "2023/24")[1:] == fast[1:]  # the columns without the rows
    # The rows of some projects only (a trace of one stream): those rows, at their lines, either way.
    for wanted in ({"isva-service"}, {"p000001", "a", "x9-y"}, set()):
        some = read_actuals(data, PATH, "2023/24", wanted)
        assert [tuple(row) for row in some[0]] == [tuple(row) for row in careful[0] if row.project in wanted]
        assert not some[1] or some[1] == careful[2]


def mostly_good(values: list[str], good: int) -> st.SearchStrategy[str]:
    """One of ``values``: one of the first ``good`` (the common form) about 19 times in 20 or more,
    so that whole files often take the column path and often just miss it."""
    return st.sampled_from(values[:good] * 20 + values)


rows = st.lists(
    st.tuples(
        mostly_good(DATES, 4),
        mostly_good(IDS, 3),
        mostly_good(KINDS, 3),
        mostly_good(AMOUNTS, 4),
        mostly_good(TEXTS, 2),
        mostly_good(TEXTS, 4),
        mostly_good(TEXTS, 4),
    ),
    max_size=8,
)


@settings(max_examples=400, deadline=None)
@given(rows, st.sampled_from(["\n", ""]), st.sampled_from(["", "\ufeff"]))
def test_any_file_of_plain_looking_rows_reads_the_same_both_ways(
    table: list[tuple[str, ...]], last: str, bom: str
) -> None:
    text = bom + "\n".join([HEAD, *(",".join(row) for row in table)]) + last
    both(text.encode())


@settings(max_examples=300, deadline=None)
@given(rows, st.integers(min_value=0, max_value=400), st.sampled_from(list('"\r\n,\tx\xa0\u200b')))
def test_one_character_more_anywhere_reads_the_same_both_ways(
    table: list[tuple[str, ...]], at: int, extra: str
) -> None:
    text = "\n".join([HEAD, *(",".join(row) for row in table)]) + "\n"
    at = min(at, len(text))
    both((text[:at] + extra + text[at:]).encode())


def test_a_plain_year_takes_the_column_path_and_a_quote_does_not() -> None:
    good = f"{HEAD}\n2023-04-28,isva-service,payment,20833.33,AP-104233,Example Support Services,April\n".encode()
    assert plain_columns(good, HEADER) is not None
    text, cells = plain_columns(good, HEADER) or ("", [])
    made = actuals._plain(text, cells, "2023/24", True)
    assert made is not None and made[0] is not None and made[0][0].columns == (1, 12, 25, 33, 42, 52, 77)
    assert plain_columns(good.replace(b"April", b'"April"'), HEADER) is None
    assert plain_columns(good.replace(b"\n", b"\r\n"), HEADER) is None
    assert plain_columns(good + b"\n", HEADER) is None  # a blank line: read row by row, and refused
