"""The monitoring report's wrapping shortcut gives exactly what textwrap gives."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.render.monitor import wrap

# Text with the characters that change wrapping: spaces of every kind, tabs, hyphens, long words.
TEXT = st.text(alphabet=st.sampled_from("ab- \t\u00a0\u2003.,xyz\u00e9"), max_size=60) | st.text(max_size=40)


@settings(max_examples=500, deadline=None)
@given(TEXT, st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=4))
def test_wrap_is_textwrap(text: str, width: int, level: int) -> None:
    indent = "  " * level
    if len(indent) >= width:
        return  # textwrap refuses an indent as wide as the line; the report's width is at least 40
    expected = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)
    assert wrap(text, width, indent) == expected


def test_a_line_that_fits_is_kept_and_one_that_does_not_is_wrapped() -> None:
    assert wrap("Demand above plan in q1.", 40, "      ") == ["      Demand above plan in q1."]
    assert wrap("Demand above plan in q1.", 20, "  ") == ["  Demand above plan", "  in q1."]
    assert wrap(" leading space", 40, "") == textwrap.wrap(" leading space", 40, break_on_hyphens=False)
