"""Properties of the in-year figures: sums by any grouping equal the total, order never matters,
and every traced figure is the sum of its values."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.model import figures
from budgetctl.model.actuals import ActualRow, ActualsFile
from budgetctl.model.ledger import Ledger, ProjectEntry
from budgetctl.model.money import total
from budgetctl.model.records import Project, Stream, StreamsFile
from budgetctl.model.source import Mapping, SourceFile
from budgetctl.reports.monitor import monitor
from budgetctl.reports.trace import trace

YEAR = "2023/24"
STREAMS = ("a", "b", "c")
PROJECTS = {f"p{i}": STREAMS[i % 3] for i in range(7)}
AS_AT = datetime.date(2023, 12, 31)


class _Source(SourceFile):
    """Positions are not the point here: every value is at 1:1."""

    def locate(self, loc, *, key=False):  # type: ignore[no-untyped-def]
        return 1, 1


def ledger(rows: list[ActualRow], files: int) -> Ledger:
    streams = StreamsFile(
        streams={s: Stream(programme=s.upper(), funding="F", budget={YEAR: Decimal(100000)}) for s in STREAMS}
    )
    projects = [
        ProjectEntry(
            pid,
            _Source(f"data/projects/{pid}.yaml", "", Mapping(1, 1)),
            Project(title=pid, stream=stream, lead="L", allocations={YEAR: Decimal(30000)}),
        )
        for pid, stream in PROJECTS.items()
    ]
    book = Ledger(_Source("data/streams.yaml", "", Mapping(1, 1)), streams, projects)
    book.actuals = [ActualsFile(f"data/actuals/2023-24/{n}.csv", YEAR, tuple(rows[n::files])) for n in range(files)]
    return book


ROWS = st.lists(
    st.builds(
        ActualRow,
        date=st.dates(datetime.date(2023, 4, 1), datetime.date(2024, 3, 31)),
        project=st.sampled_from(sorted(PROJECTS)),
        kind=st.sampled_from(["payment", "accrual", "credit", "accrual-reversal"]),
        amount=st.decimals(min_value=0, max_value=10**6, places=2),
        reference=st.from_regex(r"R[0-9]{1,6}", fullmatch=True),
        supplier=st.just(""),
        description=st.just(""),
        line=st.integers(2, 1000),
        columns=st.just((1, 12, 20, 28, 35, 40, 41)),
    ),
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(ROWS, st.integers(1, 4), st.randoms(use_true_random=False))
def test_actual_by_stream_and_by_project_sum_to_the_total(rows, files, random) -> None:
    book = ledger(rows, files)
    counted = [r for r in rows if r.date <= AS_AT]
    by_stream = [figures.actual(book, s, YEAR, AS_AT) for s in STREAMS]
    by_project = [figures.project_actual(book, p, YEAR, AS_AT) for p in PROJECTS]
    assert total(by_stream) == total(by_project) == total(r.signed for r in counted)
    report = monitor(book, YEAR, AS_AT)
    assert report.total["actual"] == total(r.actual for r in report.rows) == total(by_stream)
    # Any order of the rows, in any number of files, gives the same figures.
    shuffled = list(rows)
    random.shuffle(shuffled)
    again = monitor(ledger(shuffled, random.randint(1, 5)), YEAR, AS_AT)
    assert again.data() == report.data()


@settings(max_examples=40, deadline=None)
@given(ROWS)
def test_every_traced_stream_figure_is_the_sum_of_its_values(rows) -> None:
    book = ledger(rows, 2)
    report = monitor(book, YEAR, AS_AT)
    for row in report.rows:
        for measure in ("approved_budget", "revised_budget", "allocated", "actual", "forecast", "variance"):
            assert trace(book, row.stream, YEAR, measure, AS_AT).total == getattr(row, measure)
        for project in (p for p, s in PROJECTS.items() if s == row.stream):
            assert trace(book, project, YEAR, "actual", AS_AT).total == figures.project_actual(
                book, project, YEAR, AS_AT
            )


def test_rag_boundaries_are_exact() -> None:
    thresholds = (Decimal(2), Decimal(5))
    revised = Decimal("100000.00")
    assert figures.rag_of(Decimal("2000.00"), revised, thresholds=thresholds) == "green"
    assert figures.rag_of(Decimal("-2000.01"), revised, thresholds=thresholds) == "amber"
    assert figures.rag_of(Decimal("5000.00"), revised, thresholds=thresholds) == "amber"
    assert figures.rag_of(Decimal("5000.01"), revised, thresholds=thresholds) == "red"
    assert figures.rag_of(Decimal("0.01"), revised, thresholds=thresholds, ring_fenced=True) == "red"
    assert figures.rag_of(Decimal("0.00"), Decimal("0.00"), thresholds=thresholds) == "green"
    assert figures.rag_of(Decimal("1.00"), Decimal("0.00"), thresholds=thresholds) == "red"
