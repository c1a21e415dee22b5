"""The snapshot's file lines written in one pass are those ``file_line`` writes one by one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from budgetctl.loading.snapshot import file_line, file_lines
from budgetctl.model.source import RawFile
from tests.conftest import examples

PATHS = st.lists(st.text(min_size=1, max_size=12), max_size=5) | st.lists(
    st.text(alphabet="abc/ .-'\"\\\t", min_size=1, max_size=12), max_size=5
)


@examples(200, 5000)
@given(PATHS)
def test_file_lines_are_file_line_of_each(paths: list[str]) -> None:
    raws = [RawFile(path, path.encode("utf-8", "surrogatepass")) for path in paths]
    assert file_lines(raws) == [file_line(raw) for raw in raws]


def test_plain_paths_take_the_one_pass() -> None:
    raws = [RawFile("data/projects/fund/a.yaml", b"x"), RawFile("data/projects/fund/b c.yml", b"y")]
    assert file_lines(raws) == [file_line(raw) for raw in raws]
    assert file_lines(raws)[1].endswith(" 'data/projects/fund/b c.yml'")
