"""`budgetctl fmt` on actuals (canonical CSV) and forecasts (the forecast key order)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.cli import app
from budgetctl.edit.fmt import format_file, kind_of
from budgetctl.loading.actuals import format_actuals
from budgetctl.model.actuals import ActualRow
from tests.conftest import make_ledger

HEADER = "date,project,kind,amount,reference,supplier,description\n"
STREAMS = "streams:\n  s:\n    programme: P\n    funding: F\n    budget: {2023/24: 100}\n"
PROJECT = "title: T\nstream: s\nlead: L\nallocations: {2023/24: 100}\n"


def test_kinds_by_path() -> None:
    assert kind_of("data/actuals/2023-24/2023-04.csv") == "actuals"
    assert kind_of("data/forecasts/2023-24/q2.yaml") == "forecast"
    assert kind_of("data/projects/forecasts/q2.yaml") == "project"


def test_fmt_writes_canonical_actuals_and_forecasts(runner, tmp_path) -> None:
    data = make_ledger(
        tmp_path,
        {
            "streams.yaml": STREAMS,
            "projects/a.yaml": PROJECT,
            "actuals/2023-24/mixed.csv": HEADER
            + '2023-05-02,a,payment,5,AP-9,"Smith",x\r\n2023-04-02,a,credit,7.5,AP-8,S,y\r\n',
            "forecasts/2023-24/q4.yaml": (
                "# why\nprojects:\n  a:\n    class: overspend  # kept\n"
                "    reason: More.\n    outturn: 100.5\nas_at: 2024-03-31\n"
            ),
        },
    )
    result = runner.invoke(app, ["fmt", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert (data / "actuals/2023-24/mixed.csv").read_text() == (
        HEADER + "2023-04-02,a,credit,7.50,AP-8,S,y\n2023-05-02,a,payment,5.00,AP-9,Smith,x\n"
    )
    assert (data / "forecasts/2023-24/q4.yaml").read_text() == (
        "as_at: 2024-03-31\n# why\nprojects:\n  a:\n    outturn: 100.50\n"  # a comment moves with its key
        "    reason: More.\n    class: overspend  # kept\n"
    )
    again = runner.invoke(app, ["fmt", "--check", "--data", str(data)])
    assert again.exit_code == 0


def test_an_actuals_file_with_problems_is_refused_and_left_alone() -> None:
    data = (HEADER + "2023-05-02,a,payment,-5,AP-9,,\n").encode()
    result = format_file(data, "data/actuals/2023-24/bad.csv")
    assert result.output is None and [p.code for p in result.problems] == ["C015"]


ROWS = st.lists(
    st.builds(
        ActualRow,
        date=st.dates(date(2023, 4, 1), date(2024, 3, 30)),
        project=st.from_regex(r"[a-z]{1,4}(-[a-z0-9]{1,3})?", fullmatch=True),
        kind=st.sampled_from(["payment", "credit", "accrual-reversal"]),
        amount=st.decimals(min_value=0, max_value=10**6, places=2),
        reference=st.from_regex(r"[A-Z]{2}-[0-9]{1,5}", fullmatch=True),
        supplier=st.sampled_from(["", "Smith, Jones", 'A "quoted" name', "Plain"]),
        description=st.sampled_from(["", "April", "x,y"]),
    ),
    max_size=10,
)


@settings(max_examples=60, deadline=None)
@given(ROWS, st.randoms(use_true_random=False))
def test_canonical_actuals_are_a_fixed_point_of_fmt(rows, random) -> None:
    random.shuffle(rows)
    text = "".join([HEADER, *(",".join(_loose(c) for c in r.cells()) + "\n" for r in rows)]).encode()
    first = format_file(text, "data/actuals/2023-24/x.csv")
    assert first.output is not None
    assert first.output == format_actuals(rows)
    second = format_file(first.output, "data/actuals/2023-24/x.csv")
    assert second.output == first.output and not second.changed


def _loose(cell: str) -> str:
    """A cell as a person might write it: always quoted (quoting is syntax)."""
    return '"' + cell.replace('"', '""') + '"'


def test_decimal_places_are_normalised() -> None:
    out = format_file((HEADER + "2023-05-02,a,payment,5.5,AP-9,,\n").encode(), "data/actuals/2023-24/x.csv").output
    assert out is not None and b",5.50," in out
    assert Decimal("5.50") == Decimal("5.5")
