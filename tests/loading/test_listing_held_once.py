"""A listing held through a whole check keeps each value once: its signature is made when first
asked for, its rows are read from its stat entries once those are made, and the entries by path
that discovery takes do not keep the paths. Each gives what it gave when held whole: the same
signature, rows, paths and entries, whichever is asked for first."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

from budgetctl.loading import warm
from tests.conftest import aged_shipped

CONTEXT = ("context",)


def listed(data: Path) -> warm.Listing:
    found = warm.listing(str(data), CONTEXT)
    assert found is not None
    return found


def test_rows_signature_paths_and_entries_are_those_held_whole(tmp_path: Path) -> None:
    data = aged_shipped(tmp_path)
    (data / "projects" / "deeper").mkdir()
    (data / "projects" / "deeper" / "x.yaml").write_text("id: x\n", encoding="utf-8")
    whole = listed(data)
    rows = list(whole.rows)  # a list of tuples, as taken
    assert type(whole.rows) is list
    signature = whole.signature
    assert signature == marshal.dumps((whole.folders, rows), 2)
    join = os.path.join  # the oracle: what the listing made its paths with before
    paths = [join(str(data), relative + name) for relative, names, _ in whole.folders for name in names]

    lean = listed(data)  # the order of a whole check: entries by path, then the rest at its end
    taken = lean.taken
    assert list(taken) == paths
    assert lean._paths is None  # not kept past discovery
    assert [warm.STAT_ROW(info) for info in taken.values()] == rows
    assert list(taken.values()) == lean.infos  # the very objects: the stat index knows them by identity
    assert len(lean.rows) == len(rows)
    assert list(lean.rows) == rows
    assert [lean.rows[i] for i in range(len(rows))] == rows
    assert lean.rows[1:4] == rows[1:4] and type(lean.rows[1:4]) is list
    assert lean.rows[-1] == rows[-1]
    assert lean.rows_of({paths[2]}) == {paths[2]: rows[2]}
    assert lean.signature == signature
    assert lean.paths == paths
    assert [lean.path_at(i) for i in range(len(paths))] == paths
    assert lean.newest == whole.newest == max(row[1] for row in rows)


def test_a_ledger_folder_given_with_a_final_separator_gives_the_same_paths(tmp_path: Path) -> None:
    data = aged_shipped(tmp_path)
    plain, slashed = listed(data), warm.listing(str(data) + os.sep, CONTEXT)
    assert slashed is not None
    join = os.path.join
    expected = [join(str(data) + os.sep, r + n) for r, names, _ in slashed.folders for n in names]
    assert slashed.paths == expected
    assert list(slashed.taken) == expected
    assert len(plain.paths) == len(expected)
