"""fmt's shortcut for a canonical file reads money by its text: it must call canonical exactly the
amounts that fmt would write back unchanged, and a file with any other amount is rewritten."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from budgetctl.edit.fmt import CANONICAL_MONEY_TEXT, _canonical_as_read, _render, canonical_money, format_file
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.money import MONEY_TEXT, parse_money

_WHOLE = st.one_of(st.just("0"), st.from_regex(r"[1-9][0-9]{0,11}", fullmatch=True))
_AMOUNTS = st.builds(
    lambda whole, cents: whole + cents, _WHOLE, st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,2}", fullmatch=True))
)


def _written_back(text: str) -> bool:
    return canonical_money(parse_money(text)) == text


@given(_AMOUNTS)
def test_the_text_test_is_the_written_amount_test(text: str) -> None:
    assert MONEY_TEXT.fullmatch(text)
    assert bool(CANONICAL_MONEY_TEXT.fullmatch(text)) == _written_back(text)


@given(st.from_regex(MONEY_TEXT, fullmatch=True))
def test_any_money_text(text: str) -> None:
    assert bool(CANONICAL_MONEY_TEXT.fullmatch(text)) == _written_back(text)


def test_the_edges() -> None:
    for text in ("0", "0.01", "0.10", "5", "5.01", "1234.50", "999999999999", "999999999999.99"):
        assert CANONICAL_MONEY_TEXT.fullmatch(text) and _written_back(text), text
    for text in ("0.00", "0.0", "0.5", "5.1", "5.00", "1234.5", "100.0", "100.00"):
        assert not CANONICAL_MONEY_TEXT.fullmatch(text) and not _written_back(text), text


_PROJECT = "title: T\nstream: s\nlead: L\nallocations:\n  2023/24: {amount}\n"


@given(_AMOUNTS)
def test_a_project_is_left_as_it_is_exactly_when_fmt_would_write_it_back(amount: str) -> None:
    data = _PROJECT.format(amount=amount).encode()
    source, problems = strict_load(data, "projects/p.yaml")
    assert source is not None and not problems and source.by_lines
    rendered = _render(data, "project")
    assert _canonical_as_read(source, "project") == (rendered == data)
    result = format_file(data, "projects/p.yaml")
    assert result.output == rendered and result.changed == (not _written_back(amount))


def test_the_money_keys_of_a_mapping_are_those_is_money_finds() -> None:
    from budgetctl.edit.fmt import _layout, _money_keys, is_money

    for kind in ("streams", "project", "forecast", "adjustment"):
        layout = _layout(kind)
        paths = {(): None, **dict.fromkeys(layout.orders), **{p[:-1]: None for p in layout.money}}
        paths.update({p: None for p in layout.year_maps})
        names = {"x", "2023/24", "*", *(n for order in layout.orders.values() for n in order)}
        names |= {p[-1] for p in layout.money}
        concrete = {tuple("s1" if part == "*" else part for part in path) for path in paths}
        for path in concrete | set(paths):
            found, every = _money_keys(kind, path)
            for name in names:
                assert (every or name in found) == is_money(kind, (*path, name)), (kind, path, name)
    assert _money_keys("project", ("allocations",)) == (frozenset({"*"}), True)  # any year's value is money
    assert _money_keys("project", ()) == (frozenset(), False)
