"""`budgetctl schema adjustment`: the JSON Schema editors use for adjustment files."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from budgetctl import plainclass
from budgetctl.cli import app
from budgetctl.model import records as models
from budgetctl.reports.editor_schema import DESCRIPTIONS, generate
from tests.conftest import SHIPPED

ADJUSTMENTS = sorted((SHIPPED / "adjustments").rglob("*.yaml"))


def errors(document: object) -> list[str]:
    schema = generate("adjustment")
    jsonschema.Draft202012Validator.check_schema(schema)
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]


def load(path: Path) -> object:
    # Dates stay text, as the schema expects them (YAML 1.2 has no date type).
    text = path.read_text()
    return yaml.load(text, Loader=yaml.BaseLoader)


@pytest.mark.parametrize("path", ADJUSTMENTS, ids=lambda p: p.name)
def test_shipped_adjustments_match_the_schema(path: Path) -> None:
    document = load(path)
    assert isinstance(document, dict)
    document["amount"] = float(document["amount"])  # BaseLoader keeps every scalar as text
    assert errors(document) == []


def test_a_typo_key_and_a_bad_type_fail() -> None:
    document = {"type": "transfer", "date": "2023-11-02", "amount": 1, "reason": "r",
                "approval": {"approver": "a", "date": "2023-11-02"}, "stream_id": "x"}  # fmt: skip
    found = errors(document)
    assert any("'transfer' is not one of" in e for e in found)
    assert any("'stream_id' was unexpected" in e for e in found)


def test_every_key_has_a_description_and_from_is_written_from() -> None:
    for model in (models.Adjustment, models.Side, models.Approval):
        keys = {models.key_of(info) for info in plainclass.fields(model)}  # from_ is written `from`
        assert set(DESCRIPTIONS[model.__name__]) == keys, model.__name__
    schema = generate("adjustment")
    assert "from" in schema["properties"] and "from_" not in schema["properties"]
    assert schema["properties"]["from"]["description"].startswith("virement:")


def test_cli_prints_it(runner) -> None:
    result = runner.invoke(app, ["schema", "adjustment"])
    assert result.exit_code == 0
    assert '"title": "budgetctl adjustment file"' in result.stdout
