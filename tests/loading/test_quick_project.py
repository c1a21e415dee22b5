"""``checks.check_project`` builds a valid project in the line reader's plainest forms straight
from its lines (``checks.quick_project``: no positioned tree, no pydantic). Whenever it does, it
gives exactly what the whole check gives (``check_file``): no problem, the same record down to
each value's type and text, and the same cache line; anything else goes the whole way, over the
shipped and test ledgers, the hostile corpus, generated projects and random edits of them."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.loading.accept import accepted, builder
from budgetctl.loading.cache import entry_line
from budgetctl.loading.checks import check_file, check_project, plain_tree, quick_project
from budgetctl.loading.yamlsubset import MAX_SCALAR, read_lines
from budgetctl.model.records import Project
from budgetctl.model.source import RawFile
from tests.loading.test_accept_alone import TEXTS, exact

PATH = "projects/s/p.yaml"


def assert_same(text: bytes, path: str = PATH) -> bool:
    """The quick check, when it answers, is the whole check; True when it answered."""
    raw = RawFile(path, text)
    whole = check_file(raw, Project)
    quick = quick_project(raw)
    mine = check_project(raw)
    assert (mine.load_problems, mine.schema_problems, exact(mine.project)) == (
        whole.load_problems,
        whole.schema_problems,
        exact(whole.project),
    )
    assert entry_line(path, raw.digest, mine) == entry_line(path, raw.digest, whole)
    if quick is None:
        return False
    assert quick.load_problems == [] and quick.schema_problems == []
    assert whole.project is not None and exact(quick.project) == exact(whole.project)
    assert quick.project == whole.project and repr(quick.project) == repr(whole.project)
    return True


def test_a_quick_record_is_a_whole_frozen_record() -> None:
    raw = RawFile(PATH, b"title: T\nstream: s\nlead: L\nallocations:\n  2023/24: 5\n")
    quick = quick_project(raw)
    assert quick is not None and type(quick.project) is Project
    assert quick.project.costs == () and quick.project.agreement is None and quick.project.grant is False
    with pytest.raises(AttributeError):
        quick.project.title = "other"  # type: ignore[misc]


def test_the_corpus_agrees_and_most_valid_projects_are_taken_quickly() -> None:
    taken = [assert_same(text, path) for path, text in TEXTS]
    assert len(taken) > 50 and sum(taken) > len(taken) // 3, (len(taken), sum(taken))


@pytest.mark.parametrize("seed", range(6))
def test_random_edits_of_real_projects_agree(seed: int) -> None:
    rng = random.Random(seed)
    snippets = [
        "  2023/24: 1.0", "  2023/24: 1e3", "  2023/24: '5'", "  2099/00: 5", "grant: yes", "grant: true",
        "grant: false", "award_date: 2023-02-30", "award_date: 2023-04-01", "priorities: [a, b]", "priorities: a",
        "priorities: {a: 1}", "npu: ~", "npu: 'null'", "npu: Bad Id", "npu: \"x\"", "null: 1", "Title: x",
        "agreement:\n  ref: X\n  committed:\n    2023/24: 5", "agreement:\n  ref: X\n  signed: 2023-01-01",
        "agreement: {}", "description: |\n  two\n  lines", "title: ''", "lead: \"x\"", "costs: []", "unknown: 1",
        "from: 1", "stream: x\nstream: y", "allocations: {}", "allocations:", "  2023/24: -0", "  2023/24: 1,000",
        "provider: 12", "end_date: 2023-04-01T00:00", "recipient_org_id: GB-CHC-1", "approved_by: 'pcc'",
        "   2024/25: 3", "\t2023/24: 1", "title: a\tb", "%YAML 1.2", "title: x # note", "# a comment", "",
        "title: zero\u200bwidth", "  # indented comment", "lead: a: b", "lead: 'it''s'", "---",
    ]  # fmt: skip
    for _ in range(150):
        _, text = rng.choice(TEXTS)
        lines = text.decode("utf-8", "replace").splitlines()
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(lines) + 1)
            if rng.random() < 0.3 and lines:
                del lines[min(at, len(lines) - 1)]
            else:
                lines.insert(at, rng.choice(snippets))
        assert_same(("\n".join(lines) + rng.choice(["\n", "", "\n\n"])).encode())


VALUES = st.one_of(
    st.sampled_from(
        ["x", "victims-services", "2023/24", "1234.50", "1.0", "true", "no", "~", "''", "[a, b]", "{a: 1}", ""]
    ),
    st.text(alphabet="ab-/0129.: '\"#", max_size=8),
)
KEYS = st.sampled_from(["title", "stream", "lead", "priorities", "grant", "award_date", "allocations", "titel", "npu"])


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(KEYS, VALUES, max_size=6),
    st.dictionaries(VALUES, VALUES, max_size=3),
    st.sampled_from(["  ", "    ", " "]),
)
def test_generated_projects_agree(fields: dict[str, str], allocations: dict[str, str], indent: str) -> None:
    lines = [f"{key}: {value}" for key, value in fields.items() if key != "allocations"]
    lines.append("allocations:" + "".join(f"\n{indent}{year}: {amount}" for year, amount in allocations.items()))
    assert_same(("\n".join(lines) + "\n").encode())


def test_the_builder_is_accept_over_the_line_readers_tree() -> None:
    built = builder(Project)
    for _, text in TEXTS:
        try:
            source = read_lines(text.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        if source is not None:
            assert exact(built(source)) == exact(accepted(Project, source))


def test_a_typical_project_is_taken_quickly() -> None:
    text = (
        b"title: Youth work\nstream: victims\nlead: Ann\npriorities: [a, b-c]\ngrant: true\n"
        b"award_date: 2023-04-01\n# money\nallocations:\n  2023/24: 1200.50\n  2024/25: 7\n"
    )
    assert assert_same(text)
    assert assert_same(b"\xef\xbb\xbf" + text)  # one leading BOM, as the loader reads it


@pytest.mark.parametrize(
    "text",
    [
        "title: a\tb\n",  # a tab: the event path reads it
        "title: x\u200by\n",  # a forbidden character (Y012)
        "%YAML 1.2\n---\ntitle: x\n",  # a directive (Y008)
        "title: x\ntitle: y\n",  # a duplicate key (Y004)
        "title:\nstream: s\n",  # an empty value
        "null: 1\n",  # a null key
        "allocations:\n  2023/24:\n    x: 1\n",  # deeper than one level
        "  title: x\n",  # an indented first key
        "allocations:\n    2023/24: 1\n  2024/25: 2\n",  # a stray indent
        "# only a comment\n",  # no mapping (Y016)
        "title: x\r\nstream: s\r\n",  # CR line ends
        "title: " + "x" * MAX_SCALAR + "\n",  # longer than a scalar may be (Y014)
    ],
)
def test_anything_else_goes_the_whole_way(text: str) -> None:
    assert plain_tree(text) is None
    assert quick_project(RawFile(PATH, text.encode())) is None
    assert_same(text.encode())
