"""Properties of the year-end figures (hypothesis): where a closed year's unspent money goes.

* For every stream and policy, to return + to carry + to balance - overspend is exactly
  the revised budget less the actual, and the parts are never negative.
* Carry-forwards take at most the unspent money; what they take beyond it is reported.
* A balance stream's opening balance in the next year is exactly its ``to balance``,
  counted once in the next year's adjustments and revised budget, and only once the
  year is closed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl import plainclass
from budgetctl.model import figures
from budgetctl.model.actuals import ActualRow, ActualsFile
from budgetctl.model.ledger import AdjustmentEntry, Ledger, ProjectEntry
from budgetctl.model.money import ZERO
from budgetctl.model.records import YEAR_END, Adjustment, Approval, Project, Stream, StreamsFile, YearState
from budgetctl.model.source import Mapping, SourceFile
from budgetctl.reports.monitor import monitor

YEAR, NEXT = "2023/24", "2024/25"
YEAR_END_DAY = datetime.date(2024, 3, 31)


class _Source(SourceFile):
    def locate(self, loc, *, key=False):  # type: ignore[no-untyped-def]
        return 1, 1


def _money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda pence: Decimal(pence) / 100)


def book(policy: str | None, budget: Decimal, spent: list[Decimal], carries: list[Decimal], closed: bool) -> Ledger:
    streams = StreamsFile(
        years={
            YEAR: YearState(approved=datetime.date(2023, 3, 28), closed=datetime.date(2024, 6, 30) if closed else None)
        },
        streams={"s": Stream(programme="S", funding="F", budget={YEAR: budget, NEXT: Decimal(500)}, year_end=policy)},
    )
    project = ProjectEntry(
        "p",
        _Source("data/projects/p.yaml", "", Mapping(1, 1)),
        Project(title="p", stream="s", lead="L", allocations={YEAR: Decimal(100)}),
    )
    ledger = Ledger(_Source("data/streams.yaml", "", Mapping(1, 1)), streams, [project])
    rows = tuple(
        ActualRow(
            datetime.date(2023, 6, 30), "p", "payment", amount, f"R{n}", "", "", n + 2, (1, 12, 14, 22, 30, 31, 32)
        )
        for n, amount in enumerate(spent)
    )
    ledger.actuals = [ActualsFile("data/actuals/2023-24/a.csv", YEAR, rows)]
    approval = Approval(approver="x", date=datetime.date(2024, 5, 21))
    ledger.adjustments = [
        AdjustmentEntry(
            f"c{n}",
            NEXT,
            _Source(f"data/adjustments/2024-25/c{n}.yaml", "", Mapping(1, 1)),
            Adjustment(
                type="carry-forward",
                date=datetime.date(2024, 5, 14),
                stream="s",
                from_year=YEAR,
                amount=amount,
                reason="r",
                approval=approval,
            ),
        )
        for n, amount in enumerate(carries)
    ]
    return ledger


CASE = (
    st.sampled_from((*YEAR_END, None)),
    _money(0, 10**8),
    st.lists(_money(0, 4 * 10**7), max_size=5),
    st.lists(_money(0, 4 * 10**7), max_size=3),
)


@settings(max_examples=150, deadline=None)
@given(*CASE)
def test_the_parts_of_the_unspent_money_make_revised_less_actual(policy, budget, spent, carries) -> None:
    ledger = book(policy, budget, spent, carries, closed=True)
    split = figures.outturn_split(ledger, "s", YEAR, YEAR_END_DAY)
    revised, actual = figures.revised_budget(ledger, "s", YEAR, YEAR_END_DAY), sum(spent, ZERO)
    assert split["actual"] == actual
    assert split["return"] + split["carry"] + split["balance"] - split["overspend"] == revised - actual
    assert split["unspent"] == split["return"] + split["carry"] + split["balance"]
    assert min(split.values()) >= 0
    assert not (split["unspent"] and split["overspend"])
    recorded = sum(carries, ZERO)
    if policy == "balance":
        assert (split["return"], split["carry"]) == (ZERO, ZERO)
    else:
        assert split["balance"] == ZERO
        assert split["carry"] == min(recorded, split["unspent"])
        assert split["carry"] + split["carry_beyond_unspent"] == recorded
    # The monitor's outturn row and total carry the same figures.
    report = monitor(ledger, YEAR, YEAR_END_DAY)
    [row] = report.rows
    assert report.outturn and row.forecast == row.actual == actual
    assert row.split is not None and row.split["to_balance"] == split["balance"]
    assert report.split_total["to_return"] == split["return"]


@settings(max_examples=100, deadline=None)
@given(*CASE[1:3], st.booleans())
def test_a_balance_opens_the_next_year_once_and_only_when_closed(budget, spent, closed) -> None:
    ledger = book("balance", budget, spent, [], closed=closed)
    balance = figures.outturn_split(ledger, "s", YEAR, YEAR_END_DAY)["balance"]
    opening = figures.opening_balance(ledger, "s", NEXT)
    assert opening == (balance if closed else ZERO)
    assert figures.adjustments(ledger, "s", NEXT) == opening
    assert figures.revised_budget(ledger, "s", NEXT) == Decimal(500) + opening
    # As at a day before the year closed, the opening balance is not yet in the figures.
    assert figures.revised_budget(ledger, "s", NEXT, datetime.date(2024, 6, 29)) == Decimal(500)
    # Another policy never opens a balance.
    other = book("return", budget, spent, [], closed=closed)
    assert figures.opening_balance(other, "s", NEXT) == ZERO


def test_balances_chain_over_closed_years() -> None:
    """A fund that keeps its money keeps last year's balance too: 2024/25 opens with 2023/24's
    unspent money, and 2025/26 with what 2024/25 (budget plus that balance) left."""
    ledger = book("balance", Decimal(1000), [Decimal(400)], [], closed=True)
    years = dict(ledger.streams_file.years)
    years[NEXT] = YearState(approved=datetime.date(2024, 3, 26), closed=datetime.date(2025, 6, 30))
    ledger.streams_file = plainclass.replace(ledger.streams_file, years=years)
    assert figures.opening_balance(ledger, "s", NEXT) == Decimal(600)
    # 2024/25: budget 500 + 600 opening, nothing spent.
    assert figures.opening_balance(ledger, "s", "2025/26") == Decimal(1100)
