"""The JSON of every ``--format json`` table is exactly what ``json.dumps(value, indent=2,
ensure_ascii=False)`` writes, for any value, including those it leaves to json."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from budgetctl.render.jsontext import indented_json

scalars = st.none() | st.booleans() | st.integers() | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)
# Values json writes its own way: floats (NaN, exponents), tuples, keys that are not text, subclasses.
others = st.recursive(
    scalars | st.floats() | st.builds(lambda t: type("Label", (str,), {})(t), st.text(max_size=3)),
    lambda inner: (
        st.lists(inner, max_size=3).map(tuple)
        | st.lists(inner, max_size=3)
        | st.dictionaries(st.integers() | st.text(max_size=3) | st.booleans() | st.none(), inner, max_size=3)
    ),
    max_leaves=20,
)


@given(values)
def test_the_same_text_as_json(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


@given(others)
def test_values_left_to_json_are_written_as_json_writes_them(value: Any) -> None:
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_listing_row() -> None:
    row = {"id": "a", "title": 'Café "quoted"\u2028', "allocations": {"2023/24": "1.00"}, "rows": [], "x": {}}
    assert indented_json({"rows": [row], "year": None}) == json.dumps(
        {"rows": [row], "year": None}, indent=2, ensure_ascii=False
    )
