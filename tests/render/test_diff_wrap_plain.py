"""The plain diff writer's prose lines are textwrap's (what ``fit.print_wrapped`` prints), also
when it skips textwrap for a line that fits."""

from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from budgetctl.render.diff import _wrap_prose
from tests.conftest import examples

TEXT = st.lists(st.sampled_from(["a", "bc", " ", "  ", "\t", "\n", "£1.00", "→", "\u00a0", "\u2028", "é", "x" * 25]))


@given(TEXT.map("".join), st.integers(0, 120), st.sampled_from([0, 2, 6]))
@examples(500, 5000)
def test_prose_lines_are_textwraps(text: str, width: int, indent: int) -> None:
    expected = textwrap.wrap(
        text,
        max(width, 20),
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 4),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [""]
    assert _wrap_prose(text, width, indent) == expected
