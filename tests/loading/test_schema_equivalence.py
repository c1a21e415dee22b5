"""budgetctl builds the models' validator from their annotations (budgetctl/loading/schema.py);
pydantic's own schema generator is the oracle: over the shipped ledger, every
hostile-corpus file and generated projects, both validators must accept the same
values and report the same errors at the same locations."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from budgetctl.loading.schema import validator
from budgetctl.loading.yamlsubset import strict_load
from budgetctl.model import records
from budgetctl.model.records import Project, StreamsFile
from tests.conftest import SHIPPED
from tests.loading.test_hostile import CASES


def standard_twin() -> ModuleType:
    """The records module made again with the standard library's dataclasses (budgetctl's come from
    ``plainclass``): pydantic's generator reads dataclasses' own fields."""
    source = Path(records.__file__).read_text(encoding="utf-8")
    plain = "from budgetctl import plainclass\n"
    assert plain in source
    twin = ModuleType("_records_twin")
    sys.modules[twin.__name__] = twin
    exec(compile(source.replace(plain, "import dataclasses as plainclass\n"), records.__file__, "exec"), vars(twin))
    return twin


TWIN = standard_twin()
ORACLES = {Project: TypeAdapter(TWIN.Project), StreamsFile: TypeAdapter(TWIN.StreamsFile)}


def plain(value: Any) -> Any:
    """A record as its class's name and its fields' values, whichever module made the class."""
    if hasattr(type(value), "__dataclass_fields__"):
        return type(value).__name__, [(name, plain(getattr(value, name))) for name in type(value).__dataclass_fields__]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def outcome(check: Any, root: Any) -> tuple[str, Any]:
    try:
        return "valid", plain(check(root))
    except ValidationError as exc:
        return "invalid", [(e["type"], e["loc"], e["msg"]) for e in exc.errors(include_url=False)]


def assert_same(model: type, text: bytes, path: str) -> None:
    source, _ = strict_load(text, path)
    if source is None:
        return
    ours = outcome(validator(model).validate_python, source.root)
    assert ours == outcome(ORACLES[model].validate_python, source.root)


def files() -> list[tuple[str, bytes]]:
    found = [(str(p.relative_to(SHIPPED)), p.read_bytes()) for p in sorted(SHIPPED.rglob("*.yaml"))]
    for case in CASES:
        for name, text in case.files.items():
            found.append((f"{case.name}/{name}", text.encode() if isinstance(text, str) else text))
    return found


@pytest.mark.parametrize(("path", "text"), files(), ids=[path for path, _ in files()])
def test_the_validator_agrees_with_pydantics_generator(path: str, text: bytes) -> None:
    model = StreamsFile if path.endswith("streams.yaml") else Project
    assert_same(model, text, path)


VALUES = st.one_of(
    st.sampled_from(["x", "victims-services", "2023/24", "1234.50", "true", "no", "~", "''", "[a, b]", "{a: 1}"]),
    st.text(alphabet="ab-/0129. ", max_size=8),
)
KEYS = st.sampled_from(["title", "stream", "lead", "priorities", "grant", "award_date", "allocations", "titel", "npu"])


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=6), st.dictionaries(VALUES, VALUES, max_size=3))
def test_the_validator_agrees_on_generated_projects(fields: dict[str, str], allocations: dict[str, str]) -> None:
    lines = [f"{key}: {value}" for key, value in fields.items() if key != "allocations"]
    lines.append("allocations:" + "".join(f"\n  {year!r}: {amount}" for year, amount in allocations.items()))
    assert_same(Project, ("\n".join(lines) + "\n").encode(), "projects/p.yaml")
