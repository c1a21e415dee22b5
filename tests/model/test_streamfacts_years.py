"""A warm summary decodes the kept stream facts of the years it shows alone: those years' figures
are exactly the whole decode's, the other years are left out unread, and a damaged year that is
shown is still refused."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from budgetctl.model import streamfacts
from budgetctl.pipeline import check_ledger
from tests.conftest import SHIPPED


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = tmp_path_factory.mktemp("shipped") / "data"
    shutil.copytree(SHIPPED, data)
    ledger = check_ledger(data, cache=False, in_year=False).ledger
    assert ledger is not None
    return streamfacts.encode(streamfacts.facts_of(ledger))


def test_the_shipped_ledger_has_several_years(kept: dict[str, Any]) -> None:
    whole = streamfacts.decode(kept)
    assert len(whole.budget_years) >= 2
    assert streamfacts.kept_years(kept) == whole.budget_years


@pytest.mark.parametrize("count", [0, 1, 2])
def test_only_the_years_asked_for_are_decoded(kept: dict[str, Any], count: int) -> None:
    whole = streamfacts.decode(kept)
    wanted = whole.budget_years[-count:] if count else []
    some = streamfacts.decode(kept, wanted)
    assert (some.streams, some.budget_years, some.adjusted) == (whole.streams, whole.budget_years, whole.adjusted)
    assert list(some.years) == list(whole.years)  # every stream, in streams.yaml's order
    for stream, by in whole.years.items():
        assert some.years[stream] == {year: figures for year, figures in by.items() if year in wanted}
        assert list(some.years[stream]) == [year for year in wanted if year in by]  # in the order asked for


def test_a_year_absent_from_the_kept_values_decodes_to_nothing(kept: dict[str, Any]) -> None:
    some = streamfacts.decode(kept, ["2041/42"])
    assert some.years and all(by == {} for by in some.years.values())


def test_a_damaged_year_is_refused_only_when_shown(kept: dict[str, Any]) -> None:
    whole = streamfacts.decode(kept)
    first, last = whole.budget_years[0], whole.budget_years[-1]
    stream = next(s for s, by in whole.years.items() if first in by and last in by)
    years = {**kept["years"], stream: {**kept["years"][stream], first: ["1e3", "0", 1, "1", False]}}
    damaged = dict(kept, years=years)
    with pytest.raises(streamfacts.Malformed):
        streamfacts.decode(damaged)
    with pytest.raises(streamfacts.Malformed):
        streamfacts.decode(damaged, [first])
    assert streamfacts.decode(damaged, [last]) == streamfacts.decode(kept, [last])


@pytest.mark.parametrize("damage", [None, [], {"budget_years": "2023/24"}, {"budget_years": [2023]}, {}])
def test_damaged_budget_years_are_refused(damage: object) -> None:
    with pytest.raises(streamfacts.Malformed):
        streamfacts.kept_years(damage)
