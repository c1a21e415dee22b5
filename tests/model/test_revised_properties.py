"""Properties of revised budgets and delegated approval over generated adjustments (hypothesis).

* The revised budgets of all streams change by exactly the signed sum of grant
  variations, carry-forwards and reserve drawdowns: virements net to zero.
* The cumulative tier check does not depend on the order the files come in.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.loading.schema import validate
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model import figures
from budgetctl.model.ledger import AdjustmentEntry, Ledger
from budgetctl.model.money import total
from budgetctl.model.records import Adjustment, Approval, Side, StreamsFile
from budgetctl.model.source import Mapping, SourceFile
from budgetctl.rules import approver_below_tier, decision_required, revised_below_zero

STREAMS = b"""\
delegations:
  approvers:
    chief-finance-officer: Chief Finance Officer
    chief-executive: Chief Executive
    commissioner: Commissioner
  cumulative: true
  limits:
    virement:
      - {up_to: 50000, approver: chief-finance-officer}
      - {up_to: 500000, approver: chief-executive}
      - {approver: commissioner, decision: true}
    grant-variation:
      - {up_to: 100000, approver: chief-finance-officer}
      - {approver: chief-executive, decision: true}
reserves:
  general: General reserve
streams:
  a: {programme: A, funding: F, budget: {2023/24: 1000000, 2024/25: 10}}
  b: {programme: B, funding: F, budget: {2023/24: 2000000}}
  c: {programme: C, funding: F, budget: {2023/24: 0}}
"""
STREAM_IDS = ("a", "b", "c")
APPROVERS = ("chief-finance-officer", "chief-executive", "commissioner")
YEAR = "2023/24"


def base_ledger() -> Ledger:
    source, problems = strict_load(STREAMS, "data/streams.yaml")
    assert source is not None and not problems
    streams, problems = validate(StreamsFile, source)
    assert streams is not None and not problems
    return Ledger(source, streams)


amounts = st.integers(min_value=0, max_value=90_000_000).map(lambda pence: Decimal(pence) / 100)
dates = st.dates(datetime.date(2023, 4, 1), datetime.date(2024, 3, 31))


@st.composite
def records(draw: st.DrawFn) -> Adjustment:
    kind = draw(st.sampled_from(("virement", "grant-variation", "carry-forward", "reserve-drawdown")))
    date = draw(dates)
    approval = Approval(
        approver=draw(st.sampled_from(APPROVERS)),
        date=date,
        decision=draw(st.none() | st.just("WMPCC 1/2023")),
    )
    common = {"type": kind, "date": date, "amount": draw(amounts), "reason": "r", "approval": approval}
    if kind == "virement":
        pair = draw(st.permutations(STREAM_IDS))
        return Adjustment(**common, from_=Side(stream=pair[0]), to=Side(stream=pair[1]))
    stream = draw(st.sampled_from(STREAM_IDS))
    if kind == "grant-variation":
        return Adjustment(**common, stream=stream, change=draw(st.sampled_from(("increase", "decrease"))))
    if kind == "carry-forward":
        return Adjustment(**common, stream=stream, from_year="2022/23")
    return Adjustment(**common, stream=stream, reserve="general")


def entries(found: list[Adjustment]) -> list[AdjustmentEntry]:
    made = []
    for index, record in enumerate(found):
        # Short, colliding-looking names: the order of date then file name must decide, not the list's.
        path = f"data/adjustments/2023-24/{'ab'[index % 2]}{index}.yaml"
        made.append(AdjustmentEntry(path.rsplit("/", 1)[1][:-5], YEAR, SourceFile(path, "", Mapping(1, 1)), record))
    return made


@settings(max_examples=150, deadline=None)
@given(st.lists(records(), max_size=12))
def test_revised_budgets_change_by_exactly_the_external_money(found: list[Adjustment]) -> None:
    ledger = base_ledger()
    ledger.adjustments = entries(found)
    change = total(
        figures.revised_budget(ledger, s, YEAR) - figures.approved_budget(ledger, s, YEAR) for s in STREAM_IDS
    )
    external = total((-r.amount if r.change == "decrease" else r.amount) for r in found if r.type != "virement")
    assert change == external
    # Other years are untouched.
    assert figures.revised_budget(ledger, "a", "2024/25") == Decimal("10.00")


def findings(ledger: Ledger) -> list[tuple[str, str, int, int]]:
    found = []
    for rule in (approver_below_tier, decision_required, revised_below_zero):
        found += [(message, place.file, place.line, place.column) for message, place in rule.check(ledger)]
    return sorted(found)


@settings(max_examples=150, deadline=None)
@given(st.lists(records(), max_size=12), st.randoms(use_true_random=False))
def test_the_cumulative_tier_check_does_not_depend_on_file_order(found: list[Adjustment], rnd: random.Random) -> None:
    ledger = base_ledger()
    ledger.adjustments = entries(found)
    before = findings(ledger)
    shuffled = list(ledger.adjustments)
    rnd.shuffle(shuffled)
    ledger.adjustments = shuffled
    assert findings(ledger) == before


def test_the_running_total_crosses_a_tier_once_in_date_order() -> None:
    """A fixed case the property relies on: two 30,000 virements by the CFO, the later one breaches."""
    ledger = base_ledger()
    approval = Approval(approver="chief-finance-officer", date=datetime.date(2023, 9, 1))
    late = Adjustment(type="virement", date=datetime.date(2023, 8, 1), amount=Decimal("30000.00"), reason="r",
                      approval=approval, from_=Side(stream="a"), to=Side(stream="b"))  # fmt: skip
    early = Adjustment(type="virement", date=datetime.date(2023, 5, 1), amount=Decimal("30000.00"), reason="r",
                       approval=approval, from_=Side(stream="a"), to=Side(stream="b"))  # fmt: skip
    ledger.adjustments = entries([late, early])
    (message,) = [m for m, _ in approver_below_tier.check(ledger)]
    assert "a0 2023-08-01" in message and message.index("b1 2023-05-01") < message.index("a0 2023-08-01")
