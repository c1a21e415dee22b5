"""Actuals rows (docs/format.md, the payments CSV): each value refusal located; the canonical writer; sums."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.loading.actuals import HEADER, KINDS, ActualRow, format_actuals, read_actuals, totals_by_project
from budgetctl.model.money import total

HEAD = ",".join(HEADER) + "\n"
GOOD = "2023-04-28,isva-service,payment,20833.33,AP-104233,Example Support Services,ISVA service April\n"


def read(*lines: str) -> tuple[list[ActualRow], list[tuple[str, int, int]]]:
    rows, found = read_actuals((HEAD + "".join(lines)).encode(), "data/actuals/2023-24/a.csv", "2023/24")
    return rows, [(p.code, p.line, p.column) for p in found]


def test_the_spec_example_reads() -> None:
    rows, found = read(
        GOOD,
        "2023-07-03,isva-service,credit,1250.00,AR-2211,Example Support Services,Vacancy recharge Q1\n",
        '2024-03-31,custody-navigators,accrual,"18000",ACC-24-017,"Example Navigators, CIC",Q4 claim\n',
    )
    assert found == []
    assert [r.signed for r in rows] == [Decimal("20833.33"), Decimal("-1250.00"), Decimal("18000.00")]
    assert rows[2].supplier == "Example Navigators, CIC" and rows[2].line == 4
    assert rows[2].columns == (1, 12, 31, 39, 47, 58, 84)


@pytest.mark.parametrize(
    ("line", "code", "column"),
    [
        ("28/04/2023,isva-service,payment,1.00,R,S,D", "C011", 1),
        ("2023-02-30,isva-service,payment,1.00,R,S,D", "C011", 1),
        ("2024-04-01,isva-service,payment,1.00,R,S,D", "C012", 1),
        ("2023-03-31,isva-service,payment,1.00,R,S,D", "C012", 1),
        ("2023-05-01,ISVA Service,payment,1.00,R,S,D", "C013", 12),
        ("2023-05-01,isva-service,Payment,1.00,R,S,D", "C014", 25),
        ("2023-05-01,isva-service,payment,1.005,R,S,D", "C015", 33),
        ("2023-05-01,isva-service,payment,-5,R,S,D", "C015", 33),
        ("2023-05-01,isva-service,payment,,R,S,D", "C015", 33),
        ("2023-05-01,isva-service,payment,1.00,,S,D", "C016", 38),
        ("2023-05-01,isva-service,payment,1.00,=1+1,S,D", "C017", 38),
        ("2023-05-01,isva-service,payment,1.00,R,+44 supplier,D", "C017", 40),
        ("2023-05-01,isva-service,payment,1.00,R,S,-refund", "C017", 42),
        ("2023-05-01,isva-service,payment,1.00,R,S,@SUM(A1)", "C017", 42),
        ("2023-05-01,isva-service,accrual,1.00,R,S,D", "C018", 1),
    ],
)
def test_each_value_refusal_is_located_at_its_cell(line: str, code: str, column: int) -> None:
    rows, found = read(line + "\n")
    assert rows == [] and found == [(code, 2, column)]


def test_fix_messages() -> None:
    def message(amount: str) -> str:
        _, found = read_actuals((HEAD + f"2023-05-01,p,payment,{amount},R,S,D\n").encode(), "a.csv", "2023/24")
        return found[0].message

    assert "write 1275000" in message('"1,275,000"')
    assert "kind credit" in message("-5.00")
    _, found = read_actuals((HEAD + "2023-05-01,p,Paymnt,1,R,S,D\n").encode(), "a.csv", "2023/24")
    assert "did you mean 'payment'" in found[0].message
    _, found = read_actuals((HEAD + "2023-05-01,p,accrual,1,R,S,D\n").encode(), "a.csv", "2023/24")
    assert "2024-03-31" in found[0].message


def test_quoted_money_is_money_because_csv_quoting_is_syntax() -> None:
    rows, found = read('2023-05-01,p,payment,"5.00",R,S,D\n')
    assert found == [] and rows[0].amount == Decimal("5.00")


def test_csv_problems_come_first_and_stop_value_checks() -> None:
    rows, found = read("2023-05-01,p,payment,1\n")
    assert rows == [] and found == [("C004", 2, 1)]


# Rows that obey every value rule.
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Cf")), max_size=12)
rows_strategy = st.builds(
    ActualRow,
    date=st.dates(date(2023, 4, 1), date(2024, 3, 30)),
    project=st.from_regex(r"[a-z0-9]{1,5}(-[a-z0-9]{1,4}){0,2}", fullmatch=True),
    kind=st.sampled_from([k for k in KINDS if k != "accrual"]),
    amount=st.decimals(min_value=0, max_value=10**9, places=2),
    reference=st.from_regex(r"[A-Z]{2}-[0-9]{1,6}", fullmatch=True) | texts.filter(lambda t: t.strip() != ""),
    supplier=texts,
    description=texts,
).filter(lambda r: not any(t.startswith(("=", "+", "-", "@")) for t in (r.reference, r.supplier, r.description)))


@settings(max_examples=150, deadline=None)
@given(st.lists(rows_strategy, max_size=12))
def test_canonical_csv_reads_back_to_the_same_rows_and_is_a_fixed_point(rows: list[ActualRow]) -> None:
    text = format_actuals(rows)
    back, found = read_actuals(text, "a.csv", "2023/24")
    assert found == []
    assert sorted(back, key=lambda r: r.cells()) == sorted(rows, key=lambda r: r.cells())
    assert format_actuals(back) == text
    assert text.endswith(b"\n") and not text.startswith(b"\xef\xbb\xbf") and b"\r" not in text


@settings(max_examples=100, deadline=None)
@given(st.lists(rows_strategy, max_size=15), st.randoms(use_true_random=False))
def test_any_order_of_rows_gives_the_same_sums(rows: list[ActualRow], random) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(rows)
    random.shuffle(shuffled)
    assert totals_by_project(shuffled) == totals_by_project(rows)
    assert total(totals_by_project(rows).values()) == total(r.signed for r in rows)
    cut = date(2023, 9, 30)
    assert totals_by_project(shuffled, cut) == totals_by_project(rows, cut)
    assert format_actuals(shuffled) == format_actuals(rows)


def test_writer_quotes_only_where_needed_and_sorts() -> None:
    a = ActualRow(date(2023, 5, 2), "p", "payment", Decimal("5"), "B", 'Smith, "J"', "x")
    b = ActualRow(date(2023, 5, 1), "p", "credit", Decimal("1.5"), "Z", "S", "y")
    assert format_actuals([a, b]).decode().splitlines()[1:] == [
        "2023-05-01,p,credit,1.50,Z,S,y",
        '2023-05-02,p,payment,5.00,B,"Smith, ""J""",x',
    ]
