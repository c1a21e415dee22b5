"""A cache entry with any JSON value in any place is decoded or refused, never a crash.

A cache file is JSON written by this tool, but anyone who can write the cache folder
can write anything a JSON parser returns. Decoding must then raise ``Malformed`` (the
entry, and the rest of the cache, are ignored) or give values held to the rules;
any other exception would reach the user as an internal error.
"""

from __future__ import annotations

import contextlib
import copy
import os
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.loading.actuals import read_actuals_figures
from budgetctl.loading.checks import check_project
from budgetctl.loading.codec import Malformed, decode_actuals, encode_actuals, from_entry, model_decoder, to_entry
from budgetctl.model.records import Project
from budgetctl.model.source import RawFile
from tests.conftest import REPO

ACTUALS = (
    b"date,project,kind,amount,reference,supplier,description\n"
    b"2023-05-01,isva-service,payment,1.00,AP-1,Example Trust,May\n"
    b"2023-06-01,custody-navigators,credit,2.50,AR-2,Example Trust,June\n"
)
PROJECT = "data/projects/community-safety-fund/birmingham-exploitation-and-violence.yaml"

EXAMPLES = int(os.environ.get("BUDGETCTL_DECODE_EXAMPLES", "300"))  # a longer search: set it higher

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value (list index or dict key), the value itself first."""
    found = [path]
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += _places(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _places(item, (*path, key))
    return found


def _replaced(entry: Any, place: tuple[Any, ...], value: Any) -> Any:
    if not place:
        return value
    forged = copy.deepcopy(entry)
    holder = forged
    for step in place[:-1]:
        holder = holder[step]
    holder[place[-1]] = value
    return forged


def _real_actuals_entry() -> list[Any]:
    _, columns, problems = read_actuals_figures(ACTUALS, "data/actuals/2023-24/a.csv", "2023/24")
    return encode_actuals(problems, columns, "data/actuals/2023-24/a.csv")


def _real_project_entry() -> list[Any]:
    return to_entry(check_project(RawFile(PROJECT, (REPO / PROJECT).read_bytes())))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.data(), json_values)
def test_any_value_anywhere_in_an_actuals_entry_is_decoded_or_refused(data: st.DataObject, value: Any) -> None:
    entry = _real_actuals_entry()
    place = data.draw(st.sampled_from(_places(entry)))
    with contextlib.suppress(Malformed):
        decode_actuals(_replaced(entry, place, value), "data/actuals/2023-24/a.csv", "2023/24")


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.data(), json_values)
def test_any_value_anywhere_in_a_project_entry_is_decoded_or_refused(data: st.DataObject, value: Any) -> None:
    entry = _real_project_entry()
    assert entry[2] is not None  # the file is a good project: its entry holds the record
    place = data.draw(st.sampled_from(_places(entry)))
    with contextlib.suppress(Malformed):
        from_entry(_replaced(entry, place, value), PROJECT, model_decoder(Project))
