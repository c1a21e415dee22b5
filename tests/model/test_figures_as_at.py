"""figures.revised_budget with an as-at date counts the adjustments approved on or before it
(what `monitor` shows at a quarter end); without one, all of the year's."""

from __future__ import annotations

import datetime
from decimal import Decimal

from budgetctl.loading.discover import read_ledger
from budgetctl.model import figures
from budgetctl.pipeline import check_files
from tests.conftest import SHIPPED


def test_revised_budget_as_at_counts_adjustments_by_approval_date() -> None:
    ledger = check_files(read_ledger(SHIPPED)).ledger
    assert ledger is not None
    ip = "intervention-and-prevention"
    # Reserve drawdown approved 2023-06-12 (+75,000), virement approved 2023-11-06 (+120,000).
    assert figures.revised_budget(ledger, ip, "2023/24", datetime.date(2023, 6, 11)) == Decimal("1805538.00")
    assert figures.revised_budget(ledger, ip, "2023/24", datetime.date(2023, 6, 12)) == Decimal("1880538.00")
    assert figures.revised_budget(ledger, ip, "2023/24", datetime.date(2023, 9, 30)) == Decimal("1880538.00")
    assert figures.revised_budget(ledger, ip, "2023/24", datetime.date(2023, 12, 31)) == Decimal("2000538.00")
    assert figures.revised_budget(ledger, ip, "2023/24") == Decimal("2000538.00")
    assert figures.adjustments(ledger, "community-safety-fund", "2023/24") == Decimal("-120000.00")
    # A source's revised amount: the Home Office grant with its 85,000 variation.
    vrp = "violence-reduction-partnership"
    assert figures.revised_source(ledger, vrp, "home-office-grant", "2023/24") == Decimal("4473080.00")
    assert figures.carried_forward(ledger, "community-safety-fund", "2023/24") == Decimal("40000.00")
    assert figures.committed(ledger, "victims-services", "2024/25") == Decimal("2925000.00")


def test_year_end_split_follows_the_streams_year_end() -> None:
    ledger = check_files(read_ledger(SHIPPED)).ledger
    assert ledger is not None
    # Community Safety (carry-with-approval): revised 3,834,765; 40,000 carried into 2024/25.
    split = figures.year_end_split(ledger, "community-safety-fund", "2023/24", Decimal("3700000.00"))
    assert split == {"carry": Decimal("40000.00"), "balance": Decimal("0.00"), "return": Decimal("94765.00")}
    assert figures.carried_beyond_unspent(ledger, "community-safety-fund", "2023/24", Decimal("3700000.00")) == 0
    # Spent all but 10,000: the 40,000 carry-forward goes 30,000 beyond what was left.
    assert figures.carried_beyond_unspent(ledger, "community-safety-fund", "2023/24", Decimal("3824765.00")) == Decimal(
        "30000.00"
    )
    # Helping Communities Fund (balance): the unspent money stays in the fund.
    split = figures.year_end_split(ledger, "helping-communities-fund", "2023/24", Decimal("395000.50"))
    assert split == {"carry": Decimal("0.00"), "balance": Decimal("4999.50"), "return": Decimal("0.00")}
    # An overspend leaves nothing to split.
    assert set(figures.year_end_split(ledger, "victims-services", "2023/24", Decimal("7000000.00")).values()) == {
        Decimal("0.00")
    }
