"""The stream facts a warm summary prints from are ``model.figures``' own figures, for every
stream and year, and survive being kept (encoded, then decoded) exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetctl.model import figures, streamfacts
from budgetctl.pipeline import check_ledger, stream_figures
from tests.conftest import LEDGERS, SHIPPED


@pytest.mark.parametrize("name", ["shipped", "closed-year", "over-allocated", "in-year"])
@pytest.mark.parametrize("in_year", [True, False])
def test_the_facts_are_the_figures(tmp_path: Path, name: str, in_year: bool) -> None:
    data = tmp_path / "data"
    shutil.copytree(SHIPPED if name == "shipped" else LEDGERS / name / "data", data)
    ledger = check_ledger(data, cache=False, in_year=in_year).ledger
    assert ledger is not None
    facts = streamfacts.facts_of(ledger)
    assert list(facts.streams) == list(ledger.streams)
    assert facts.budget_years == ledger.budget_years()
    assert facts.adjusted == [y for y in ledger.budget_years() if figures.has_adjustments(ledger, y)]
    for stream_id, stream in ledger.streams.items():
        assert facts.streams[stream_id] == (stream.programme, stream.funding)
        for year in [*ledger.years(), "2031/32"]:
            count = len(figures.allocations(ledger, stream_id, year))
            found = facts.years[stream_id].get(year)
            if year not in stream.budget and not count:
                assert found is None
                continue
            assert found == streamfacts.StreamYear(
                figures.approved_budget(ledger, stream_id, year),
                figures.adjustments(ledger, stream_id, year),
                count,
                figures.allocated(ledger, stream_id, year),
                figures.is_indicative(ledger, stream_id, year),
            )
            assert str(found.adjustments) == str(figures.adjustments(ledger, stream_id, year))  # to the exponent
    assert streamfacts.facts_of(ledger, stream_figures(ledger)) == facts
    kept = streamfacts.decode(streamfacts.encode(facts))
    assert kept == facts
    assert streamfacts.encode(kept) == streamfacts.encode(facts)


@pytest.mark.parametrize(
    "damage",
    [
        None,
        [],
        {"streams": [["a", "A"]], "years": {}, "budget_years": [], "adjusted": []},
        {"streams": [["a", "A", "F"]], "years": {"a": {"2023/24": ["1", "0", 1, "1e3", False]}}, "budget_years": [],
         "adjusted": []},
        {"streams": [["a", "A", "F"]], "years": {"a": {"2023/24": ["1", "0", True, "1", False]}}, "budget_years": [],
         "adjusted": []},
        {"streams": [["a", "A", "F"]], "years": {"b": {}}, "budget_years": [], "adjusted": []},
        {"streams": [], "years": {}, "budget_years": [1], "adjusted": []},
        {"streams": [], "years": {}, "budget_years": [], "adjusted": "2023/24"},
    ],
)  # fmt: skip
def test_damaged_facts_are_refused(damage: object) -> None:
    with pytest.raises(streamfacts.Malformed):
        streamfacts.decode(damage)
