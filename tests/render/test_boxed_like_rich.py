"""The boxed table written without Rich is byte for byte what Rich prints for the same layout,
and it steps aside (None) whenever Rich's layout would differ: a wrapped cell or title, a
character Rich measures otherwise, colour."""

from __future__ import annotations

import io
import random

import pytest

from budgetctl.render.boxed import boxed_lines
from budgetctl.render.fit import Grid
from budgetctl.render.fit import render as rich_render

WORDS = ["fund", "Victims", "2023/24", "a-b", "£5", "—", "x" * 30, "Total", "", "Stream revised budget £", "é"]


def rich_text(grid: Grid, width: int) -> str:
    from rich.console import Console

    out = io.StringIO()
    # As render.console makes it for output that wants no colour.
    console = Console(
        file=out, markup=False, highlight=False, emoji=False, width=width, soft_wrap=False,
        force_terminal=False, no_color=True, color_system=None,
    )  # fmt: skip
    rich_render(grid, console)
    return out.getvalue()


def random_grid(rng: random.Random) -> Grid:
    columns = rng.randint(1, 6)
    numeric = [rng.random() < 0.5 for _ in range(columns)]

    def cell(number: bool) -> str:
        if number:
            return rng.choice(["—", "0.00", f"{rng.randint(0, 10**9):,}.{rng.randint(0, 99):02d}", "12.5%"])
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 3))).strip()

    rows = [[cell(n) for n in numeric] for _ in range(rng.randint(0, 5))]
    footer = [cell(n) for n in numeric] if rng.random() < 0.5 else None
    headers = [rng.choice(["Year", "This project £", "Share of budget", "Stream allocated £", "Id"]) for _ in numeric]
    title = rng.choice([None, "", "Allocations of p000101", "A title " * rng.randint(1, 12)])
    return Grid(
        title.strip() if title else title,
        headers,
        numeric,
        rows,
        styles=[rng.choice([None, "red"]) for _ in rows],
        section_ends=[rng.random() < 0.3 for _ in rows],
        footer=footer,
    )


@pytest.mark.parametrize("seed", range(300))
def test_the_plain_box_is_what_rich_prints(seed: int) -> None:
    rng = random.Random(seed)
    grid = random_grid(rng)
    width = rng.choice([30, 60, 80, 140, 200])
    lines = boxed_lines(grid, width)
    if lines is not None:
        assert "\n".join(lines) + "\n" == rich_text(grid, width)


def test_the_plain_box_is_used_for_an_ordinary_table() -> None:
    grid = Grid(
        "Allocations of p000101",
        ["Year", "This project £", "Share of budget"],
        [False, True, True],
        [["2023/24", "82,340.00", "0.5%"], ["2024/25", "188,548.75", "1.4%"]],
        section_ends=[True, False],
        footer=["Total", "270,888.75", "—"],
    )
    lines = boxed_lines(grid, 200)
    assert lines is not None
    assert "\n".join(lines) + "\n" == rich_text(grid, 200)


@pytest.mark.parametrize(
    ("cell", "why"),
    [("东京 office", "wide characters"), ("trailing ", "a space Rich strips"), ("x" * 150, "a cell that wraps")],
)
def test_rich_lays_out_what_the_plain_box_cannot(cell: str, why: str) -> None:
    grid = Grid("T", ["Name", "£"], [False, True], [[cell, "1.00"]], footer=["Total", "1.00"])
    assert boxed_lines(grid, 100) is None, why


def test_most_random_tables_take_the_plain_path() -> None:
    """The comparison above is not vacuous: the plain box writes most of those tables itself."""
    written = 0
    for seed in range(300):
        rng = random.Random(seed)
        grid = random_grid(rng)
        written += boxed_lines(grid, rng.choice([30, 60, 80, 140, 200])) is not None
    assert written > 100
