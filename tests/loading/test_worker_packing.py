"""What a worker process sends back: every check rebuilt exactly, or refused.

Workers send flat tuples (``parallel.pack``) instead of cache entries; the parent
rebuilds the records from them without checking them again, so the packing must be
exact for every field type a project can hold.
"""

from __future__ import annotations

import marshal

import pytest

from budgetctl import plainclass
from budgetctl.loading.checks import check_project
from budgetctl.loading.parallel import pack, unpack
from budgetctl.model.source import RawFile
from tests.conftest import LEDGERS, SHIPPED

EVERY_FIELD = b"""\
title: Every field
stream: victims-services
lead: Manager
provider: Provider Ltd
provider_sector: charity
recipient_org_id: GB-CHC-123456
purpose: referral-service
priorities: [prioritising-victims, b]
npu: dudley
approved_by: chief-executive
partnership: birmingham
partnership_priorities: [x]
costs: [staff]
description: |
  Two lines
  of text.
grant: true
award_date: 2023-04-01
start_date: 2023-05-01
end_date: 2025-03-31
allocations:
  2023/24: 1234.5
  2024/25: 250000.00
  2025/26: 0
agreement:
  ref: AG-1
  signed: 2023-03-31
  committed: {2023/24: 1000.10}
"""


def _facts(value: object) -> object:
    """The value with every type and exponent spelled out (Decimal('1.5') != Decimal('1.50') here)."""
    if plainclass.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, [(f.name, _facts(getattr(value, f.name))) for f in plainclass.fields(value)])
    if isinstance(value, dict):
        return [(_facts(k), _facts(v)) for k, v in value.items()]
    if isinstance(value, list | tuple):  # a list of problems may be the loader's own list subclass
        return ("list" if isinstance(value, list) else "tuple", [_facts(v) for v in value])
    return (type(value).__name__, repr(value))


def _round_trip(data: bytes, path: str) -> None:
    checked = check_project(RawFile(path, data))
    back = unpack(marshal.loads(marshal.dumps(pack(checked))))
    assert back == checked
    assert _facts(back) == _facts(checked)


def test_a_project_with_every_field_comes_back_exactly() -> None:
    checked = check_project(RawFile("data/projects/s/p.yaml", EVERY_FIELD))
    assert checked.project is not None and checked.project.agreement is not None, checked
    _round_trip(EVERY_FIELD, "data/projects/s/p.yaml")


def test_problems_and_unloadable_files_come_back_exactly() -> None:
    _round_trip(b"title: [\n", "data/projects/s/bad.yaml")  # did not load
    _round_trip(b"title: T\nstream: s\nlead: L\nallocations: {2023/24: 1.234}\n", "data/projects/s/p.yaml")
    _round_trip(b"title: Project #2\nstream: s\nlead: L\nallocations: {}\n", "data/projects/s/p.yaml")  # warning


def test_every_fixture_project_comes_back_exactly() -> None:
    paths = sorted(SHIPPED.glob("projects/**/*.yaml")) + sorted(LEDGERS.glob("*/data/projects/**/*.yaml"))
    assert len(paths) > 100
    for path in paths:
        _round_trip(path.read_bytes(), path.as_posix())


@pytest.mark.parametrize("garbage", [("x",), "abc", (1, 2, 3), ((), None, ("too", "short"))])
def test_anything_else_is_refused(garbage: object) -> None:
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the parent then checks the files itself
        unpack(garbage)  # type: ignore[arg-type]
