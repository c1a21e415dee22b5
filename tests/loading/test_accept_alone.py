"""``checks.check_project_alone`` (a valid project built without pydantic, ``loading.accept``)
gives exactly what ``check_project`` gives: the same problems, and the same record down to
each value's type and text (``Decimal('1.0')`` is not ``Decimal('1')``), over the shipped and
test ledgers, the hostile corpus, generated projects and random edits of them."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetctl.loading.accept import accepted
from budgetctl.loading.checks import check_project, check_project_alone
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model.records import Project
from budgetctl.model.source import RawFile
from tests.conftest import LEDGERS, SHIPPED
from tests.loading.test_hostile import CASES


def exact(value: Any) -> Any:
    """A value with each part's type and text: equal records can differ in a Decimal's exponent."""
    if isinstance(value, tuple | list):
        return (type(value).__name__, [exact(v) for v in value])
    if isinstance(value, dict):
        return ("dict", [(exact(k), exact(v)) for k, v in value.items()])
    if hasattr(value, "__dataclass_fields__"):
        return (type(value).__name__, [(name, exact(getattr(value, name))) for name in value.__dataclass_fields__])
    return (type(value).__name__, repr(value))


def assert_same(text: bytes, path: str = "projects/s/p.yaml") -> bool:
    """Both checks agree; True when the quick one built the record itself."""
    raw = RawFile(path, text)
    quick, whole = check_project_alone(raw), check_project(raw)
    assert quick.load_problems == whole.load_problems
    assert quick.schema_problems == whole.schema_problems
    assert exact(quick.project) == exact(whole.project)
    source, _ = strict_load(text, path)
    return source is not None and accepted(Project, source.root) is not None


def project_texts() -> list[tuple[str, bytes]]:
    found = []
    for folder in (SHIPPED, LEDGERS):
        found += [(str(p), p.read_bytes()) for p in sorted(folder.rglob("projects/**/*.y*ml"))]
    for case in CASES:
        for name, text in case.files.items():
            if name.startswith("projects/"):
                found.append((f"{case.name}/{name}", text.encode() if isinstance(text, str) else text))
    return found


TEXTS = project_texts()


def test_the_corpus_is_there_and_mostly_taken_quickly() -> None:
    taken = [assert_same(text, path) for path, text in TEXTS]
    assert len(taken) > 50 and sum(taken) > len(taken) // 2, (len(taken), sum(taken))


@pytest.mark.parametrize("seed", range(4))
def test_random_edits_of_real_projects_agree(seed: int) -> None:
    rng = random.Random(seed)
    snippets = [
        "  2023/24: 1.0", "  2023/24: 1e3", "  2023/24: '5'", "  2099/00: 5", "grant: yes", "grant: true",
        "award_date: 2023-02-30", "award_date: 2023-04-01", "priorities: [a, b]", "priorities: a",
        "priorities: {a: 1}", "npu: ~", "npu: 'null'", "npu: Bad Id",
        "agreement:\n  ref: X\n  committed:\n    2023/24: 5",
        "agreement: {}", "description: |\n  two\n  lines", "title: ''", "lead: \"x\"", "costs: []", "unknown: 1",
        "from: 1", "stream: x\nstream: y", "allocations: {}", "allocations:", "  2023/24: -0", "  2023/24: 1,000",
        "provider: 12", "end_date: 2023-04-01T00:00", "recipient_org_id: GB-CHC-1", "approved_by: 'pcc'",
    ]  # fmt: skip
    for _ in range(120):
        _, text = rng.choice(TEXTS)
        lines = text.decode("utf-8", "replace").splitlines()
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(lines) + 1)
            if rng.random() < 0.3 and lines:
                del lines[min(at, len(lines) - 1)]
            else:
                lines.insert(at, rng.choice(snippets))
        assert_same(("\n".join(lines) + "\n").encode())


VALUES = st.one_of(
    st.sampled_from(
        ["x", "victims-services", "2023/24", "1234.50", "1.0", "true", "no", "~", "''", "[a, b]", "{a: 1}"]
    ),
    st.text(alphabet="ab-/0129.: ", max_size=8),
)
KEYS = st.sampled_from(["title", "stream", "lead", "priorities", "grant", "award_date", "allocations", "titel", "npu"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=6), st.dictionaries(VALUES, VALUES, max_size=3))
def test_generated_projects_agree(fields: dict[str, str], allocations: dict[str, str]) -> None:
    lines = [f"{key}: {value}" for key, value in fields.items() if key != "allocations"]
    lines.append("allocations:" + "".join(f"\n  {year!r}: {amount}" for year, amount in allocations.items()))
    assert_same(("\n".join(lines) + "\n").encode())


def test_a_valid_project_is_built_quickly_with_every_kind_of_value() -> None:
    text = (
        b"title: Youth work\nstream: victims\nlead: Ann\npriorities: [a, b-c]\ngrant: true\n"
        b"award_date: 2023-04-01\nallocations:\n  2023/24: 1200.50\n  2024/25: 7\n"
        b"agreement:\n  ref: A-1\n  committed:\n    2023/24: 10.0\n"
    )
    assert assert_same(text)
    source, _ = strict_load(text, "projects/s/p.yaml")
    assert source is not None
    project = accepted(Project, source.root)
    assert project is not None
    assert project.priorities == ("a", "b-c") and project.grant is True
    assert project.award_date == datetime.date(2023, 4, 1)
    assert project.allocations == {"2023/24": Decimal("1200.50"), "2024/25": Decimal(7)}
    assert project.agreement is not None and str(project.agreement.committed["2023/24"]) == "10.00"
