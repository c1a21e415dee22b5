"""A base summary's files looked up in their JSON text (``diffbase.Listed``) answer as the decoded
dictionary does, whatever the paths hold (quotes, backslashes, ``", "``, ``": "``, braces, other
scripts, names that end other names), and a change between two commits (``Patched``) as the
dictionary with that change made."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from budgetctl.loading.diffbase import Listed, Patched
from tests.conftest import examples

PIECES = st.sampled_from(['"', "\\", ", ", ": ", '", "', '": "', "{", "}", "/", "a", "ü", "\udcff", "x.yaml", " "])
NAMES = st.sampled_from(["x.yaml", "y.yml", "a.yaml", "ax.yaml", "x.yml"])
PATHS = st.builds(
    lambda folders, name: "/".join([*folders, name]),
    st.lists(st.lists(PIECES, min_size=1, max_size=4).map("".join), max_size=3),
    NAMES,
)
OIDS = st.sampled_from(["a" * 40, "b" * 40, "c" * 64])


def named(files: dict[str, str], names: set[str]) -> list[str]:
    return [path for path in files if path.rsplit("/", 1)[-1] in names]


@given(st.dictionaries(PATHS, OIDS, max_size=12), st.lists(PATHS, max_size=4), st.sets(NAMES, max_size=3))
@examples(300, 3000)
def test_listed_answers_as_the_dictionary(files: dict[str, str], others: list[str], names: set[str]) -> None:
    listed = Listed(json.dumps(files), len(files))
    for path in [*files, *others]:
        assert listed.get(path) == files.get(path)
        assert (path in listed) == (path in files)
    assert listed.named(names) == named(files, names)
    assert len(listed) == len(files)
    assert listed.whole() == files


@given(
    st.dictionaries(PATHS, OIDS, max_size=10),
    st.sets(PATHS, max_size=4),
    st.dictionaries(PATHS, OIDS, max_size=4),
)
@examples(200, 2000)
def test_patched_answers_as_the_dictionary_changed(
    files: dict[str, str], removed: set[str], added: dict[str, str]
) -> None:
    removed &= files.keys()
    # git lists a file as added only when the base side has none there, or it is removed (changed)
    added = {p: o for p, o in added.items() if p not in files or p in removed}
    changed = {p: o for p, o in files.items() if p not in removed} | added
    patched = Patched(Listed(json.dumps(files), len(files)), removed, added)
    for path in [*files, *added]:
        assert patched.get(path) == changed.get(path)
    assert len(patched) == len(changed)
