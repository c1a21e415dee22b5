"""fmt knows adjustment files by their folder: keys in the order of the spec's table, money one way."""

from __future__ import annotations

from budgetctl.edit.fmt import format_file, kind_of

MESSY = b"""\
# a comment stays
amount: 120000.00
approval:
  decision: WMPCC 052/2023
  approver: chief-executive
  date: 2023-11-06
reason: Solihull will not spend it.
to: {stream: intervention-and-prevention}
from: {stream: community-safety-fund}
date: 2023-11-02
type: virement
"""

CANONICAL = b"""\
type: virement
date: 2023-11-02
from:
  stream: community-safety-fund
to:
  stream: intervention-and-prevention
# a comment stays
amount: 120000
reason: Solihull will not spend it.
approval:
  approver: chief-executive
  date: 2023-11-06
  decision: WMPCC 052/2023
"""


def test_kind_of_an_adjustment_file_is_its_folder() -> None:
    assert kind_of("data/adjustments/2023-24/x.yaml") == "adjustment"
    assert kind_of("data/projects/adjustments/x.yaml") == "project"
    assert kind_of("data/streams.yaml") == "streams"


def test_an_adjustment_is_written_in_the_order_of_the_spec() -> None:
    result = format_file(MESSY, "data/adjustments/2023-24/cs-to-ip.yaml")
    assert result.problems == []
    assert result.output == CANONICAL
    assert format_file(CANONICAL, "data/adjustments/2023-24/cs-to-ip.yaml").output == CANONICAL
